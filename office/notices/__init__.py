"""Notices (公告) to everyone or to departments, with read confirmation."""
