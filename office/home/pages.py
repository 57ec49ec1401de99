"""What the 工作台 (workbench) page lists: every module the user may open, grouped, each with its
icon, and a count where one is cheap.

The same checks as the modules' own views decide what shows (``can_work_orders`` as every order
view, the admin role as ``admin_required``, ``PUBLISHER_ROLES`` as notices.create), so a tile never
leads to a 403 or 404. The phone's tab bar has four tabs; everything else is here, one tap away.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from office.approvals import queries as approval_queries
from office.mainlines import access as mainline_access
from office.models.people import ROLE_ADMIN, User
from office.notices.publishing import PUBLISHER_ROLES
from office.orders.access import can_work_orders


@dataclass(frozen=True)
class Tile:
    label: str
    icon: str
    url: str
    count: int | None = None
    count_label: str = ""


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    tiles: list[Tile]


def workbench(user: User) -> list[Group]:
    """The groups of tiles ``user`` may open, in the order the page shows them (empty groups left out).
    One query: the count of approvals waiting for the user (served by an index alone)."""
    pending = approval_queries.counts(user)[approval_queries.PENDING_TAB]
    work = [
        Tile(_l("Approvals"), "stamp", url_for("approvals.index"), pending or None,
             _l("%(num)d waiting for you", num=pending) if pending else ""),
        Tile(_l("New approval request"), "plus", url_for("approvals.new")),
        Tile(_l("Work orders"), "clipboard-check", url_for("workorders.index")),
        Tile(_l("Mainlines"), "git-branch", url_for("mainlines.index")),
        Tile(_l("Notices"), "megaphone", url_for("notices.index")),
        Tile(_l("Memos"), "notebook-pen", url_for("memos.index")),
        # Everyone reads the company's canned replies (office/replies/access.py).
        Tile(_l("Canned replies"), "message-square", url_for("replies.index")),
        Tile(_l("Colleagues"), "users", url_for("people.index")),
        Tile(_l("Search"), "search", url_for("feed.search")),
        Tile(_l("Out of office"), "calendar-clock", url_for("approvals.delegation")),
        Tile(_l("Office calendar"), "calendar-days", url_for("calendar.index")),
    ]
    if mainline_access.can_create(user):
        work.append(Tile(_l("Mainline templates"), "list-todo", url_for("mainlines.template_list")))
    if user.role in PUBLISHER_ROLES:
        work.append(Tile(_l("New notice"), "send", url_for("notices.create")))
    groups = [Group("work", _l("Teamwork"), work)]
    if can_work_orders(user):
        groups.append(Group("orders", _l("Orders"), [
            Tile(_l("Orders"), "shopping-cart", url_for("orders.index")),
            Tile(_l("Warehouse board"), "warehouse", url_for("orders.board")),
            Tile(_l("Find an order"), "headset", url_for("orders.lookup")),
            Tile(_l("Import orders"), "upload", url_for("orders.imports")),
            Tile(_l("New order"), "clipboard-list", url_for("orders.create")),
            Tile(_l("Routing rules"), "route", url_for("orders.rules")),
            Tile(_l("API tokens"), "key-round", url_for("api.tokens")),
        ]))
    if user.role == ROLE_ADMIN:
        admin = [
            Tile(_l("Users"), "user-check", url_for("people.manage")),
            Tile(_l("Departments"), "building-2", url_for("departments.index")),
            Tile(_l("Audit trail"), "scroll-text", url_for("audit.index")),
            Tile(_l("Approval forms"), "file-check", url_for("approvals.templates")),
            Tile(_l("Failed deliveries"), "circle-alert", url_for("inbox.failures")),
            Tile(_l("Working hours and holidays"), "calendar", url_for("calendar.edit")),
        ]
        # Admins work orders too (orders/access.py), so routing rules are listed above.
        groups.append(Group("admin", _l("Administration"), admin))
    return groups
