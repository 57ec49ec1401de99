"""Rule modules without HTTP: the tree, throttling, accounts, the queue choice."""
import datetime as dt

import pytest
from huey import RedisHuey, SqliteHuey

from office.auth.throttle import minutes_locked
from office.departments.tree import DepartmentError, descendant_ids, update_department, walk
from office.models.audit import LOGIN_FAILED, AuditEvent
from office.models.base import utcnow
from office.people.accounts import AccountError, create_user, set_active, update_user
from tasks.queue import make_huey
from tests.factories import make_department, make_user


def test_walk_orders_depth_first(app):
    a = make_department("A")
    b = make_department("B")
    a1 = make_department("A1", parent=a)
    a1x = make_department("A1x", parent=a1)
    order = [(d.name, depth) for d, depth in walk([a, b, a1, a1x])]
    assert order == [("A", 0), ("A1", 1), ("A1x", 2), ("B", 0)]
    assert descendant_ids(a.id) == {a.id, a1.id, a1x.id}


def test_move_into_itself_is_refused(app):
    a = make_department("A")
    with pytest.raises(DepartmentError):
        update_department(a, parent=a)


def test_head_must_be_active(app, admin):
    a = make_department("A")
    gone = make_user()
    set_active(gone, False, by=admin)
    with pytest.raises(DepartmentError):
        update_department(a, head=gone)


def _fail(subject, ip="10.0.0.1", minutes_ago=0):
    AuditEvent.insert(action=LOGIN_FAILED, subject=subject, ip=ip,
                      created_at=utcnow() - dt.timedelta(minutes=minutes_ago)).execute()


def test_throttle_counts_only_the_window(app):
    limit, window = app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
    for _ in range(limit):
        _fail("a", minutes_ago=window + 1)
    with app.test_request_context():
        assert minutes_locked("a", "10.0.0.1") == 0
        for n in range(limit):
            _fail("a", minutes_ago=n)
        locked = minutes_locked("a", "10.0.0.1")
        # An address that has not failed for "a" is not locked out (the password decides).
        assert minutes_locked("a", "10.0.0.9") == 0
    # The oldest counted failure is limit-1 minutes old, so the lock lifts after the rest of the window.
    assert window - limit <= locked <= window - limit + 2


def test_throttle_per_address(app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for n in range(limit * 10):
        _fail(f"user{n}", ip="10.0.0.7")
    with app.test_request_context():
        assert minutes_locked("someone-new", "10.0.0.7") > 0
        assert minutes_locked("someone-new", "10.0.0.8") == 0


def test_unknown_role_and_unknown_field_are_refused(app, admin):
    with pytest.raises(AccountError):
        create_user("x1", "password123", role="king")
    with pytest.raises(AccountError):
        update_user(admin, admin, password_hash="x")


def test_queue_backend_follows_configuration(tmp_path):
    assert isinstance(make_huey(path=str(tmp_path / "q.db")), SqliteHuey)
    assert isinstance(make_huey(redis_url="redis://127.0.0.1:6390/0"), RedisHuey)
