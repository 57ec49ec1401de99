"""The staff directory, profiles, and user administration (admins only).

Map: accounts.py (creating and changing accounts, roles, passwords, deactivation), queries.py (the
directory); views.py (bp, /people), forms.py.
"""
