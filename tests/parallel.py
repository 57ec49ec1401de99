"""Run actions at the same moment in threads, each with its own app context and connection,
the way two workers would; for the tests that prove nothing double-counts."""
from __future__ import annotations

import threading

from office.db import db


def at_once(app, actions, expected: tuple[type[BaseException], ...] = ()) -> list:
    """Start every action together; return their results in order.

    An exception of one of the ``expected`` types is returned in place of a result;
    any other exception fails the test (pytest reports exceptions raised in threads).
    """
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        with app.app_context(), db.connection_context():
            barrier.wait()
            try:
                results[index] = action()
            except expected as error:
                results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results
