"""Canned replies (话术): wording customer service copies into a buyer chat, per work-order kind and
department, searchable, one tap to copy (issue 15, point 6).

Map: access.py (who reads and who edits: the one rule), library.py (creating, editing,
deactivating, counting a copy; the kinds' labels, placeholders), queries.py (the list and the pick
partial's search); views.py (bp, /replies), forms.py.
"""
