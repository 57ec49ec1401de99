"""Writing to the audit trail. Views and rules call ``record``; nothing else writes it.
Never reads the request: the audit blueprint hands each request's address over (CLIENT_ADDRESS)."""
from __future__ import annotations

import json

from office import request_cache
from office.models.audit import AuditEvent
from office.models.people import User

# The caller's address, set for every request by office/audit/views.py; empty for commands and jobs.
CLIENT_ADDRESS = request_cache.entry("audit.client_address")


def client_ip() -> str:
    """The caller's address. Behind a reverse proxy, wrap the app in werkzeug's ProxyFix."""
    return CLIENT_ADDRESS.get(str)


def record(
    action: str,
    actor: User | None = None,
    subject: str = "",
    target=None,
    **detail,
) -> AuditEvent:
    """Append one event.

    Args:
        action: one of the names in office.models.audit (or a module's own).
        actor: who did it; None for anonymous attempts and the command line.
        subject: what it was about, e.g. the username tried at login.
        target: the model instance acted on, if any.
        detail: small JSON-able facts (old and new role, changed fields).
    """
    return AuditEvent.create(
        action=action,
        actor=actor,
        subject=subject[:120],
        target_type=target._meta.table_name if target is not None else "",
        target_id=target.id if target is not None else None,
        ip=client_ip(),
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    )
