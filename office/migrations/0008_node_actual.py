"""Mainline nodes' actual hours (issue 14): before, finishing a node right after starting it
stored 0 h, which the figures showed as the whole plan saved ("节省 8 h"). Every actual up to
now came from the clock, so one under 0.05 h (it rounds to 0) is a same-minute finish, not a
measurement: it becomes unknown (NULL), which plan vs actual leaves out. No schema change.
"""


def up(migrator, db):
    db.execute_sql("UPDATE mainline_nodes SET actual_hours = NULL WHERE actual_hours IS NOT NULL AND actual_hours < 0.05")
