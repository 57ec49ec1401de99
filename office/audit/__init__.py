"""The audit trail of sensitive actions.

Map: trail.py (``record``: the only writer; the caller's address comes from the request cache),
queries.py (the filtered trail); views.py (bp, /audit for admins), forms.py (its filter).
"""
