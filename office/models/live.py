"""The live event log: one small row per change other open browsers should show.

Written in the same transaction as the change (office/live/events.publish); the stream reads
it after a cursor. ``kind`` is a domain's own word, defined beside that domain's models
(POST_ADDED in models/feed.py, ORDER_CHANGED in models/orders.py...); ``subject_id`` is the
row it is about (None: many at once), ``user_id`` whom it concerns. Rows are pruned after a
day (tasks/live.py). Knows no domain.
"""
from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField

from office.models.base import BaseModel, utcnow


class LiveEvent(BaseModel):
    kind = CharField(max_length=20)
    subject_id = IntegerField(null=True)
    user_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "live_events"
