"""The staff directory, profiles, and user administration (admins only)."""
