"""The rules of the approval form editor: saving an approval form (an ApprovalTemplate row) as
the admins' editor submits it, with the checks beyond one field or one step (key, free
routing), the rule that keeps filed requests readable, the order of the forms, and the audit
trail of every change.

Filed requests keep only their values (ApprovalRequest.data, by field name); their page, the
lists and the export read labels and types from the template when shown. So a field that filed
requests hold a value in may not be removed or renamed, and may change its type only to one
whose values read the same. Pure rules: imports models, fields.py, routing.py and the audit
trail; never views, forms or flask.request.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from peewee import Case, IntegrityError, fn

from office.approvals.fields import CHOICE, MONEY, NUMBER, TEXT, TEXTAREA, FieldSpec, check_specs, load_specs
from office.approvals.routing import FREE, StepSpec, check_route
from office.audit.trail import record
from office.db import db
from office.models.approvals import FREE_INITIATOR, FREE_ROUTING, ApprovalRequest, ApprovalTemplate
from office.models.people import User
from office.rules import RuleError

TEMPLATE_CHANGED = "approval_template_changed"
KEY_RE = re.compile(r"[a-z][a-z0-9_-]*")
KEY_MAX = 40
# Types whose stored values read the same way (text; numbers), so filed values still show.
SAME_READING = (frozenset((TEXT, TEXTAREA, CHOICE)), frozenset((NUMBER, MONEY)))


class TemplateError(RuleError):
    """A refused template. ``field`` is "key", "free_routing", or a field's name for the rule on
    fields that filed requests hold."""

    default_field = "form"


@dataclass
class Draft:
    """A template as the editor submits it."""

    name: str
    description: str
    time_limit_hours: int
    free_routing: str
    fields: list[FieldSpec] = field(default_factory=list)
    route: list[StepSpec] = field(default_factory=list)
    key: str = ""  # a new template's only; a key never changes (URLs and outcomes use it)


def same_reading(old_type: str, new_type: str) -> bool:
    return old_type == new_type or any(old_type in group and new_type in group for group in SAME_READING)


def fields_in_use(template: ApprovalTemplate | None, names=None) -> dict[str, int]:
    """How many filed requests of ``template`` hold a value in each of ``names`` (default: its
    fields), in one query; names no request holds a value in are left out. (``clean`` stores
    every field of the form, an empty one as null or [], which nothing would miss.)"""
    if template is None or template.id is None:
        return {}
    names = [spec.name for spec in load_specs(json.loads(template.fields or "[]"))] if names is None else list(names)
    if not names:
        return {}
    # The data are json.dumps of a flat dict: a key reads '"name": ', which no value can contain
    # (quotes inside a value are escaped). contains() escapes the LIKE wildcards, "_" included.
    data = ApprovalRequest.data
    counts = [fn.COUNT(Case(None, [(data.contains(f'"{name}": ') & ~data.contains(f'"{name}": null')
                                    & ~data.contains(f'"{name}": []'), 1)])) for name in names]
    row = ApprovalRequest.select(*counts).where(ApprovalRequest.template == template.id).tuples().get()
    return {name: int(n or 0) for name, n in zip(names, row) if n}


def check_kept_fields(template: ApprovalTemplate | None, specs: list[FieldSpec]) -> None:
    """Refuse removing, renaming or retyping a field that filed requests hold.

    Raises TemplateError with ``field`` set to the old field's name.
    """
    if template is None:
        return
    old = {spec.name: spec for spec in load_specs(json.loads(template.fields or "[]"))}
    new = {spec.name: spec for spec in specs}
    changed = [name for name, spec in old.items() if name not in new or not same_reading(spec.type, new[name].type)]
    used = fields_in_use(template, changed)
    for name in changed:
        if name not in used:
            continue
        if name not in new:
            raise TemplateError(_l("%(n)d filed requests hold %(label)s (%(name)s): it cannot be removed or "
                                   "renamed. Make it optional instead, or start a new form.",
                                   n=used[name], label=old[name].label, name=name), name)
        raise TemplateError(_l("%(n)d filed requests hold %(label)s (%(name)s) as %(old)s: its type cannot "
                               "change to %(new)s.", n=used[name], label=old[name].label, name=name,
                               old=old[name].type, new=new[name].type), name)


def check_draft(draft: Draft, template: ApprovalTemplate | None = None) -> None:
    """Everything a save checks, first problem first.

    Raises FieldError (check_specs), RouteError (check_route) or TemplateError.
    """
    if template is None:
        if not KEY_RE.fullmatch(draft.key or "") or len(draft.key) > KEY_MAX:
            raise TemplateError(_l("The key uses lowercase letters, digits, - and _, starting with a letter "
                                   "(at most %(n)d).", n=KEY_MAX), "key")
        if ApprovalTemplate.select().where(ApprovalTemplate.key == draft.key).exists():
            raise TemplateError(_l("Another form has the key %(key)s.", key=draft.key), "key")
    if draft.free_routing not in FREE_ROUTING:
        raise TemplateError(_l("Choose who may pick approvers."), "free_routing")
    check_specs(draft.fields)
    check_route(draft.route, draft.fields)
    if draft.free_routing == FREE_INITIATOR and not any(step.kind == FREE for step in draft.route):
        raise TemplateError(_l("For the initiator to choose, add a step whose approver the initiator "
                               "chooses."), "free_routing")
    check_kept_fields(template, draft.fields)


def _columns(draft: Draft) -> dict:
    return {
        "name": draft.name.strip(),
        "description": draft.description.strip(),
        "time_limit_hours": draft.time_limit_hours,
        "free_routing": draft.free_routing,
        "fields": json.dumps([spec.to_dict() for spec in draft.fields], ensure_ascii=False),
        "route": json.dumps([step.to_dict() for step in draft.route], ensure_ascii=False),
    }


def save(draft: Draft, by: User, template: ApprovalTemplate | None = None) -> ApprovalTemplate:
    """Create a template (``template`` None: last in the order) or update one, and audit it.

    Raises what check_draft raises; nothing is written then.
    """
    columns = _columns(draft)
    try:
        # Checked and written in one transaction: a refusal writes nothing.
        with db.atomic():
            check_draft(draft, template)
            if template is None:
                last = ApprovalTemplate.select(fn.MAX(ApprovalTemplate.position)).scalar()
                template = ApprovalTemplate.create(key=draft.key, position=(last if last is not None else -1) + 1,
                                                   **columns)
                record(TEMPLATE_CHANGED, by, subject=template.key, target=template, change="created")
                return template
            changed = sorted(name for name, value in columns.items() if getattr(template, name) != value)
            if changed:
                for name, value in columns.items():
                    setattr(template, name, value)
                template.save()
                record(TEMPLATE_CHANGED, by, subject=template.key, target=template, change="edited",
                       columns=changed)
            return template
    except IntegrityError:
        # Two admins creating the same key at once: the unique index decides.
        raise TemplateError(_l("Another form has the key %(key)s.", key=draft.key), "key") from None


def set_active(template: ApprovalTemplate, active: bool, by: User) -> None:
    """Offer the form for filing again, or stop offering it; filed requests go on either way."""
    if template.is_active == active:
        return
    with db.atomic():
        ApprovalTemplate.update(is_active=active).where(ApprovalTemplate.id == template.id).execute()
        template.is_active = active
        record(TEMPLATE_CHANGED, by, subject=template.key, target=template,
               change="activated" if active else "deactivated")


def move(template: ApprovalTemplate, step: int, by: User) -> None:
    """Move a form one place up (``step`` -1) or down (+1) in the order staff see them;
    positions are renumbered 0, 1, 2... (the built-in forms may share one)."""
    with db.atomic():
        ordered = list(ApprovalTemplate.select(ApprovalTemplate.id, ApprovalTemplate.position)
                       .order_by(ApprovalTemplate.position, ApprovalTemplate.id))
        current = {t.id: t.position for t in ordered}
        ids = list(current)
        at = ids.index(template.id)
        to = at + step
        if not 0 <= to < len(ids):
            return
        ids[at], ids[to] = ids[to], ids[at]
        for position, template_id in enumerate(ids):
            if current[template_id] != position:
                ApprovalTemplate.update(position=position).where(ApprovalTemplate.id == template_id).execute()
        record(TEMPLATE_CHANGED, by, subject=template.key, target=template, change="moved",
               direction="up" if step < 0 else "down")
