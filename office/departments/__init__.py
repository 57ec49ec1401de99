"""The department tree: create, rename, move, set head, delete (admins only).

Map: tree.py (the tree as rules: create, update, move, delete, descendants, choices); views.py
(bp, /departments), forms.py.
"""
