"""Memos (备忘提醒): personal reminders delivered at a time."""
