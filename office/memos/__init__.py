"""Memos (备忘提醒): personal reminders delivered at a time.

Map: delivery.py (creating, snoozing, delivering memos; run by tasks/reminders.py), queries.py;
views.py (bp, /memos), forms.py.
"""
