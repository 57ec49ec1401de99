"""Concurrent account changes never leave the company without an administrator."""
import threading

from office.db import db
from office.models.people import User
from office.people.accounts import AccountError, set_active, update_user
from tests.factories import make_user


def _race(app, actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        with app.app_context(), db.connection_context():
            barrier.wait()
            try:
                action()
                outcomes[index] = "done"
            except AccountError:
                outcomes[index] = "refused"

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(outcomes)


def test_two_admins_deactivating_each_other(app):
    a = make_user("admin_a", role="admin")
    b = make_user("admin_b", role="admin")
    db.close()
    for _ in range(5):
        outcomes = _race(app, [lambda: set_active(b, False, by=a), lambda: set_active(a, False, by=b)])
        assert outcomes == ["done", "refused"]
        assert User.select().where((User.role == "admin") & User.is_active).count() == 1
        # Reset for the next round.
        User.update(is_active=True).where(User.id.in_([a.id, b.id])).execute()
        db.close()


def test_two_admins_demoting_each_other(app):
    a = make_user("admin_a", role="admin")
    b = make_user("admin_b", role="admin")
    db.close()
    outcomes = _race(app, [lambda: update_user(b, a, role="staff"), lambda: update_user(a, b, role="staff")])
    assert outcomes == ["done", "refused"]
    assert User.select().where(User.role == "admin").count() == 1
