"""Plain factory functions for tests: they go through the real rules."""
from __future__ import annotations

from office.departments.tree import create_department
from office.models.people import Department, User
from office.people.accounts import create_user

TEST_PASSWORD = "password123"
_counter = {"n": 0}


def make_department(name: str | None = None, parent: Department | None = None) -> Department:
    _counter["n"] += 1
    return create_department(name or f"部门{_counter['n']}", parent)


def make_user(username: str | None = None, role: str = "staff", department: Department | None = None,
              password: str = TEST_PASSWORD, **fields) -> User:
    _counter["n"] += 1
    username = username or f"user{_counter['n']}"
    fields.setdefault("display_name", f"测试{_counter['n']}")
    return create_user(username, password, role=role, department=department, **fields)
