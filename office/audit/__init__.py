"""The audit trail: ``trail.record`` writes it, the /audit page (admins) reads it."""
