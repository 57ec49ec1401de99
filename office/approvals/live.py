"""What the live stream redraws when approval requests change (``render``, registered with the
blueprint): the whole request section for an open request page, and fresh tab counts for
open lists, each only for what the viewer may see.
"""
from __future__ import annotations

import datetime as dt

from flask import render_template
from markupsafe import Markup

from office.approvals import engine, pages, queries
from office.approvals.form_editor import KEY_MAX, KEY_RE
from office.live.registry import Changes, Page
from office.models.approvals import APPROVAL_CHANGED, ApprovalAssignment, ApprovalCc, ApprovalRequest

KINDS = {APPROVAL_CHANGED}
# The open request, and the lists' tab and filter.
ARGS = ("approval", "tab", "template", "since", "until")


def render(me, page: Page, changes: Changes) -> str:
    if page.view not in ("approval", "approvals"):
        return ""
    context = fragments(me, page.view, page.number("approval"), set(changes.subjects(APPROVAL_CHANGED)), page.args)
    if "approval_section" in context:
        return context["approval_section"]
    if "approval_counts" in context:
        return render_template("approvals/_counts.html", counts=context["approval_counts"], oob=True,
                               tab=page.args.get("tab", "pending"), filter_args=context["approval_filter_args"])
    return ""


def fragments(me, view: str | None, request_id: int, changed: set[int], args: dict | None = None) -> dict:
    """Out-of-band fragments for the stream of ``view``; ``args`` are the stream's arguments, whose
    list filter (template, since, until) the redrawn tabs keep."""
    if view == "approval" and request_id in changed:
        approval = ApprovalRequest.get_or_none(ApprovalRequest.id == request_id)
        if approval is None or not engine.can_see(me, approval):
            return {}
        # Rendered here: the section's template takes the context's keys as its variables.
        html = render_template("approvals/_request.html", oob=True, **pages.request_context(me, approval))
        return {"approval_section": Markup(html)}
    if view == "approvals" and _touches(me, changed):
        return {"approval_counts": queries.counts(me), "approval_filter_args": filter_args(args or {})}
    return {}


def filter_args(args: dict) -> dict:
    """The list filter among a stream's arguments, kept in the tabs' links as the page keeps it:
    a template key and ISO dates; anything else is dropped."""
    kept = {}
    key = str(args.get("template") or "")
    if KEY_RE.fullmatch(key) and len(key) <= KEY_MAX:
        kept["template"] = key
    for name in ("since", "until"):
        try:
            kept[name] = dt.date.fromisoformat(str(args.get(name) or "")).isoformat()
        except ValueError:
            pass
    return kept


def _touches(me, changed: set[int]) -> bool:
    """Whether any changed request is one of the viewer's (so their counts may have moved)."""
    ids = list(changed)
    mine = ApprovalRequest.select().where(ApprovalRequest.id.in_(ids) & (ApprovalRequest.initiator == me.id))
    deciding = ApprovalAssignment.select().where(ApprovalAssignment.request.in_(ids)
                                                 & (ApprovalAssignment.user == me.id))
    copied = ApprovalCc.select().where(ApprovalCc.request.in_(ids) & (ApprovalCc.user == me.id))
    return mine.exists() or deciding.exists() or copied.exists()
