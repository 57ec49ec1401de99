"""The inbox (my queue), the unread badge, delivery channels and their failures.

Map: notify.py (``notify``: writing notification rows, the one way to tell a person something;
the badge's live event), channels.py (e-mail and robot delivery, digests), preferences.py (each
person's channel settings), links.py (where a notification leads), queries.py (the inbox, failed
deliveries); views.py (bp, /inbox, registers live.py: the badge on every open page), forms.py.
"""
