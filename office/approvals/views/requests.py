"""Views for filing an approval request (the form built from the template's fields, with the
route it would take) and for one request: its page, every action on it, filing it again after
a return, and its files.

Every URL that names a request opens it through ``_visible_or_404``: someone engine.can_see
refuses gets 404, pages and partials alike. The pages' contexts are in office/approvals/pages.py
(the live stream redraws #approval-<id> from there). Imports pages, rules, models and tasks,
never other views.
"""
from __future__ import annotations

import json
from collections import defaultdict

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from office import access, htmx
from office.approvals import engine, leave
from office.approvals.blueprint import bp
from office.approvals.engine import ApprovalError
from office.approvals.fields import ATTACHMENT, CHOICES, DATERANGE, FieldErrors, FieldSpec
from office.approvals.pages import (
    APPROVER,
    CC_NAMES,
    FORM_ERROR,
    MAINLINE,
    TITLE,
    active_person,
    as_id,
    form_context,
    has_free_step,
    leave_form,
    request_context,
    values_that_clean,
)
from office.approvals.routing import FREE
from office.db import atomic_for_update
from office.errors import toast
from office.feed import mentions
from office.live.events import latest_id
from office.mainlines.access import visible_mainlines
from office.models.approvals import (
    COMMENT,
    RETURNED,
    ApprovalAction,
    ApprovalAssignment,
    ApprovalFile,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
)
from office.models.mainlines import STATUS_ACTIVE, Mainline
from office.models.people import User
from office.uploads import Upload, UploadError, check_and_store, discard, send_stored
from tasks import notify as notify_tasks

TITLE_MAX = 120
ACTIONS = ("approve", "reject", "return", "transfer", "add_before", "add_after", "withdraw", "urge",
           "comment", "cc")


def _deliver(ids) -> None:
    # After the engine's transaction has committed: a channel failure cannot undo the action.
    if ids:
        notify_tasks.deliver_notifications(ids)


# ---------------------------------------------------------------------------------------------
# Filing: the filer's mainlines, people named in a free list, a returned request's values.

def _mainlines(user) -> list[Mainline]:
    query = Mainline.select(Mainline.id, Mainline.title).where(Mainline.status == STATUS_ACTIVE)
    return list(visible_mainlines(user, query).order_by(Mainline.id.desc()))


def _named(text: str) -> tuple[list[User], list[str]]:
    """People named in a free list, as whole rows: find_people loads a few columns only, so
    ``is_active`` (which engine.add_cc checks) would read as unset."""
    people, unknown = mentions.find_people(text)
    if people:
        people = list(User.select().where(User.id.in_([p.id for p in people]) & User.is_active).order_by(User.id))
    return people, unknown


def raw_from_data(specs: list[FieldSpec], data: dict) -> MultiDict:
    """Stored values back in the shape the form sends them (to prefill a resubmission)."""
    raw = MultiDict()
    for spec in specs:
        value = data.get(spec.name)
        if value is None or value == []:
            continue
        if spec.type == DATERANGE:
            raw[f"{spec.name}_start"], raw[f"{spec.name}_end"] = value
        elif spec.type in (CHOICES, ATTACHMENT):
            raw.setlist(spec.name, [str(v) for v in value])
        else:
            raw[spec.name] = str(value)
    return raw


def _template_or_404(key: str, active_only: bool = True) -> ApprovalTemplate:
    query = ApprovalTemplate.select().where(ApprovalTemplate.key == key)
    if active_only:
        query = query.where(ApprovalTemplate.is_active)
    template = query.first()
    if template is None:
        abort(404)
    return template


# ---------------------------------------------------------------------------------------------
# Attachments given in attachment fields: checked and stored before the transaction, rows
# written inside it, files removed again if it fails.

def _uploads_by_field(specs: list[FieldSpec]) -> dict[str, list]:
    return {spec.name: [f for f in request.files.getlist(spec.name) if f and f.filename]
            for spec in specs if spec.type == ATTACHMENT}


def _store(uploads_by_field: dict[str, list], errors: dict) -> dict[str, list[Upload]]:
    """Check and store every field's files; on a refusal nothing stays stored and ``errors``
    names the field."""
    stored: dict[str, list[Upload]] = {}
    for name, files in uploads_by_field.items():
        try:
            stored[name] = check_and_store(files)
        except UploadError as error:
            errors[name] = str(error)
            _discard(stored)
            return {}
    return stored


def _discard(stored: dict[str, list[Upload]]) -> None:
    discard(u.stored_name for uploads in stored.values() for u in uploads)


def _file_rows(stored: dict[str, list[Upload]], user, request_id: int | None) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = {}
    for name, uploads in stored.items():
        ids[name] = [ApprovalFile.create(request=request_id, uploaded_by=user.id, field_name=name,
                                         file_name=u.file_name, stored_name=u.stored_name,
                                         content_type=u.content_type, size=u.size, is_image=u.is_image).id
                     for u in uploads]
    return ids


def _place(error: ApprovalError | FieldErrors, known: set[str], errors: dict) -> None:
    if isinstance(error, FieldErrors):
        errors.update(error.errors)
    else:
        errors[error.field if error.field in known else FORM_ERROR] = str(error)


# ---------------------------------------------------------------------------------------------
# Filing.

@bp.route("/new")
@login_required
def new():
    """GET: the forms one can file (active templates in order), as big cards."""
    templates = list(ApprovalTemplate.select().where(ApprovalTemplate.is_active)
                     .order_by(ApprovalTemplate.position, ApprovalTemplate.id))
    return htmx.render("approvals/new.html", templates=templates)


@bp.route("/new/<key>", methods=["GET", "POST"])
@login_required
def create(key: str):
    """GET: the form of template ``key`` with the route it would take. POST: file it; 303 to the
    request, 422 with every refused field (nothing stored, no files kept)."""
    template = _template_or_404(key)
    me = access.me()
    specs = engine.template_fields(template)
    mainlines = _mainlines(me)
    if request.method == "GET":
        return htmx.render("approvals/new_form.html", mainlines=mainlines,
                           **form_context(template, MultiDict(), {}, me))
    form = request.form
    errors: dict[str, str] = {}
    title = form.get(TITLE, "").strip()
    if len(title) > TITLE_MAX:
        errors[TITLE] = _("At most %(n)d characters.", n=TITLE_MAX)
    cc, unknown = _named(form.get(CC_NAMES, ""))
    if unknown:
        errors[CC_NAMES] = _("Nobody is called %(names)s.", names="、".join(unknown))
    mainline_id = as_id(form.get(MAINLINE))
    if mainline_id and mainline_id not in {m.id for m in mainlines}:
        errors[MAINLINE] = _("Choose one of your mainlines.")
    chosen = None
    if has_free_step(template):
        chosen = active_person(form.get(APPROVER))
        if chosen is None:
            errors[APPROVER] = _("Choose who approves this request.")
    uploads = _uploads_by_field(specs)
    raw = MultiDict(form)
    for name, files in uploads.items():
        # Typed ids for files given now come only from the rows written below, never from the form.
        raw.setlist(name, ["0"] * len(files))
    try:
        engine.clean_fields(template, raw)
    except FieldErrors as error:
        errors.update(error.errors)
    stored = {} if errors else _store(uploads, errors)
    if not errors:
        try:
            # One transaction: the files' rows and the request commit together or not at all.
            with atomic_for_update():
                file_ids = _file_rows(stored, me, None)
                for name in uploads:
                    raw.setlist(name, [str(i) for i in file_ids.get(name, [])])
                outcome = engine.submit(template, me, raw, title=title, cc=cc, chosen=chosen,
                                        mainline_id=mainline_id or None)
                all_ids = [i for ids in file_ids.values() for i in ids]
                if all_ids:
                    ApprovalFile.update(request=outcome.request.id).where(ApprovalFile.id.in_(all_ids)).execute()
        except (ApprovalError, FieldErrors) as error:
            _discard(stored)
            _place(error, {s.name for s in specs} | {TITLE, CC_NAMES, MAINLINE, APPROVER}, errors)
        except BaseException:
            _discard(stored)
            raise
        else:
            _deliver(outcome.notification_ids)
            return htmx.redirect(url_for("approvals.show", request_id=outcome.request.id))
    return htmx.render("approvals/new_form.html", status=422, mainlines=mainlines,
                       **form_context(template, form, errors, me))


@bp.route("/new/<key>/preview", methods=["POST"])
@login_required
def preview(key: str):
    """POST (htmx, on any change of the form): ``#route-preview`` for the values that are valid
    so far. Not about any one request, so anyone signed in may ask."""
    template = _template_or_404(key, active_only=False)
    me = access.me()
    specs = engine.template_fields(template)
    chosen = active_person(request.form.get(APPROVER)) if has_free_step(template) else None
    counted = leave.with_days(template.key, specs, request.form)
    route = engine.preview(template, me, values_that_clean(specs, counted), chosen)
    # The 请假 form's counted days and balance follow the same change, out of band.
    return htmx.render("approvals/_route.html", route=route,
                       leave=leave_form(template, specs, request.form, {}, me), leave_oob=True)


# ---------------------------------------------------------------------------------------------
# One request.

def _load(request_id: int) -> ApprovalRequest | None:
    Initiator = User.alias()
    return (ApprovalRequest.select(ApprovalRequest, ApprovalTemplate, Initiator)
            .join(ApprovalTemplate, on=(ApprovalRequest.template == ApprovalTemplate.id), attr="template")
            .switch(ApprovalRequest)
            .join(Initiator, on=(ApprovalRequest.initiator == Initiator.id), attr="initiator")
            .where(ApprovalRequest.id == request_id).first())


def _visible_or_404(request_id: int) -> ApprovalRequest:
    approval = _load(request_id)
    # 404, not 403: whether a request exists is itself not for outsiders.
    if approval is None or not engine.can_see(access.me(), approval):
        abort(404)
    return approval


@bp.route("/<int:request_id>")
@login_required
def show(request_id: int):
    """GET: one request: its fields, steps and approvers, history and the viewer's actions; kept
    current by the live stream (view=approval). htmx: ``#approval-<id>`` only."""
    live_after = latest_id()  # before reading, so no change falls between the page and the stream
    approval = _visible_or_404(request_id)
    return htmx.render("approvals/show.html", partial="approvals/_request.html", live_after=live_after,
                       live_args={"view": "approval", "approval": approval.id},
                       **request_context(access.me(), approval))


def _person_for(field: str) -> User:
    person = active_person(request.form.get(field))
    if person is None:
        raise ApprovalError(_("Choose a colleague."), field)
    return person


def _comment_with_files(request_id: int, me, text: str) -> engine.Outcome:
    uploads = check_and_store(request.files.getlist("files"))
    try:
        # The comment and its files' rows commit together.
        with atomic_for_update():
            outcome = engine.comment(request_id, me, text)
            if uploads:
                row = (ApprovalAction.select(ApprovalAction.id)
                       .where((ApprovalAction.request == request_id) & (ApprovalAction.actor == me.id)
                              & (ApprovalAction.action == COMMENT))
                       .order_by(ApprovalAction.id.desc()).first())
                for u in uploads:
                    ApprovalFile.create(request=request_id, action=row.id, uploaded_by=me.id, field_name="",
                                        file_name=u.file_name, stored_name=u.stored_name,
                                        content_type=u.content_type, size=u.size, is_image=u.is_image)
    except BaseException:
        discard(u.stored_name for u in uploads)
        raise
    return outcome


def _perform(action: str, request_id: int, me) -> engine.Outcome:
    form = request.form
    comment = form.get("comment", "")
    if action == "approve":
        next_approver = _person_for("next_approver") if form.get("next_approver") else None
        return engine.approve(request_id, me, comment, next_approver=next_approver)
    if action == "reject":
        return engine.reject(request_id, me, comment)
    if action == "return":
        return engine.return_to_initiator(request_id, me, comment)
    if action == "transfer":
        return engine.transfer(request_id, me, _person_for("person"), comment)
    if action in ("add_before", "add_after"):
        return engine.add_approver(request_id, me, _person_for("person"), before=action == "add_before",
                                   comment=comment)
    if action == "withdraw":
        return engine.withdraw(request_id, me, comment)
    if action == "urge":
        return engine.urge(request_id, me)
    if action == "comment":
        return _comment_with_files(request_id, me, comment)
    people, unknown = _named(form.get("people", ""))
    if unknown:
        raise ApprovalError(_("Nobody is called %(names)s.", names="、".join(unknown)), "people")
    if not people:
        raise ApprovalError(_("Name at least one colleague."), "people")
    return engine.add_cc(request_id, me, people)


@bp.route("/<int:request_id>/act", methods=["POST"])
@login_required
def act(request_id: int):
    """POST action=approve|reject|return|transfer|add_before|add_after|withdraw|urge|comment|cc
    (with comment, person, next_approver, people, files). htmx: ``#approval-<id>`` redrawn and
    the ``approval-changed`` event; a refusal is a 422 toast. Without JS: 303 to the request,
    or the page with the refusal (422)."""
    _visible_or_404(request_id)  # 404 before anything else
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    me = access.me()
    try:
        outcome = _perform(action, request_id, me)
    except (ApprovalError, UploadError) as error:
        if htmx.is_htmx():
            return toast(str(error), 422)
        return htmx.render("approvals/show.html", status=422, action_error=str(error),
                           live_args={"view": "approval", "approval": request_id},
                           **request_context(me, _load(request_id)))
    _deliver(outcome.notification_ids)
    if htmx.is_partial():
        response = htmx.render("approvals/_request.html", **request_context(me, _load(request_id)))
        return htmx.trigger(response, "approval-changed", {"id": request_id})
    return htmx.redirect(url_for("approvals.show", request_id=request_id))


def _previous_free_approver(template: ApprovalTemplate, request_id: int) -> int | None:
    """Whom the initiator chose for the free step last time, to prefill the choice."""
    names = [step.name for step in engine.template_route(template) if step.kind == FREE]
    if not names:
        return None
    first = (ApprovalAssignment.select(ApprovalAssignment.user, ApprovalAssignment.on_behalf_of)
             .join(ApprovalStep, on=(ApprovalAssignment.step == ApprovalStep.id))
             .where((ApprovalAssignment.request == request_id) & (ApprovalStep.name == names[0]))
             .order_by(ApprovalStep.position, ApprovalAssignment.id).first())
    if first is None:
        return None
    return first.on_behalf_of_id or first.user_id


@bp.route("/<int:request_id>/resubmit", methods=["GET", "POST"])
@login_required
def resubmit(request_id: int):
    """GET: a returned request's form, prefilled. POST: file it again (the route is resolved
    afresh); 303 to the request, 422 with errors. Only its initiator (403 for other participants)."""
    approval = _visible_or_404(request_id)
    me = access.me()
    if approval.initiator_id != me.id:
        abort(403)
    if approval.status != RETURNED and request.method == "GET":
        return htmx.redirect(url_for("approvals.show", request_id=request_id))
    template = approval.template
    specs = engine.template_fields(template)
    attachment_names = [s.name for s in specs if s.type == ATTACHMENT]
    own_files: dict[str, list[ApprovalFile]] = defaultdict(list)
    if attachment_names:
        for f in ApprovalFile.select().where((ApprovalFile.request == request_id)
                                             & ApprovalFile.field_name.in_(attachment_names)).order_by(ApprovalFile.id):
            own_files[f.field_name].append(f)
    if request.method == "GET":
        values = raw_from_data(specs, json.loads(approval.data or "{}"))
        previous = _previous_free_approver(template, request_id)
        if previous:
            values[APPROVER] = str(previous)
        return htmx.render("approvals/resubmit.html", **form_context(
            template, values, {}, me, approval=approval, kept_files=own_files))
    form = request.form
    errors: dict[str, str] = {}
    chosen = None
    if has_free_step(template):
        chosen = active_person(form.get(APPROVER))
        if chosen is None:
            errors[APPROVER] = _("Choose who approves this request.")
    uploads = _uploads_by_field(specs)
    raw = MultiDict(form)
    kept: dict[str, list[str]] = {}
    for name in attachment_names:
        # Only this request's own files of this field may be kept; other ids are ignored.
        mine = {f.id for f in own_files[name]}
        kept[name] = [str(i) for i in (as_id(v) for v in form.getlist(name)) if i in mine]
        raw.setlist(name, kept[name] + ["0"] * len(uploads[name]))
    try:
        engine.clean_fields(template, raw)
    except FieldErrors as error:
        errors.update(error.errors)
    stored = {} if errors else _store(uploads, errors)
    if not errors:
        try:
            with atomic_for_update():
                file_ids = _file_rows(stored, me, request_id)
                for name in attachment_names:
                    raw.setlist(name, kept[name] + [str(i) for i in file_ids.get(name, [])])
                outcome = engine.resubmit(request_id, me, raw, chosen=chosen)
        except (ApprovalError, FieldErrors) as error:
            _discard(stored)
            _place(error, {s.name for s in specs} | {APPROVER}, errors)
        except BaseException:
            _discard(stored)
            raise
        else:
            _deliver(outcome.notification_ids)
            return htmx.redirect(url_for("approvals.show", request_id=request_id))
    return htmx.render("approvals/resubmit.html", status=422, **form_context(
        template, form, errors, me, approval=approval, kept_files=own_files))


@bp.route("/<int:request_id>/files/<int:file_id>/<path:name>")
@login_required
def file(request_id: int, file_id: int, name: str):
    """GET: a file of the request (a field's or a comment's), only to those who may see it (404
    otherwise); see uploads.send_stored for how it is served."""
    approval = _visible_or_404(request_id)
    item = ApprovalFile.get_or_none((ApprovalFile.id == file_id) & (ApprovalFile.request == approval.id))
    if item is None or item.file_name != name:
        abort(404)
    return send_stored(item.stored_name, content_type=item.content_type, download_name=item.file_name,
                       is_image=item.is_image)
