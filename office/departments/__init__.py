"""The department tree: create, rename, move, set head, delete (admins only)."""
