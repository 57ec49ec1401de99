"""Views for a mainline's members and for joining it: the members page, invitations,
roles, removing and leaving, follow levels, the join link and join requests.

Every URL but ``join`` opens the mainline through access.mainline_or_404, so a
non-member gets 404 on pages and partials alike; a member who may not manage gets
403 on the managers' actions. ``join`` is found by its secret token instead.
"""
from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from office import htmx
from office.access import me
from office.errors import toast
from office.feed.mentions import find_people
from office.mainlines import access, membership, plans, queries
from office.mainlines.blueprint import bp
from office.mainlines.forms import FollowForm, InviteForm, JoinForm, RoleForm
from office.mainlines.membership import MemberError
from office.models.mainlines import FOLLOW_ALL, FOLLOW_KEY, FOLLOW_NONE, ROLE_OWNER, JoinRequest, Mainline, Member
from office.models.people import User
from tasks import notify as notify_tasks

SECTION_ID = "mainline-members"


def _deliver(ids) -> None:
    # After the rule's transaction has committed: a channel failure cannot undo it.
    if ids:
        notify_tasks.deliver_notifications(ids)


def _forget_roles() -> None:
    # access.membership caches rows for the request; a change to them must be seen by the re-render.
    access.MEMBERS.forget()


def _member_or_404(mainline: Mainline, member_id: int) -> Member:
    member = Member.get_or_none((Member.id == member_id) & (Member.mainline == mainline.id))
    if member is None:
        abort(404)
    return member


def follow_labels() -> dict:
    return {FOLLOW_ALL: _("Everything"), FOLLOW_KEY: _("Mentions and decisions"), FOLLOW_NONE: _("Nothing")}


def _context(mainline: Mainline, invite_form: InviteForm | None = None, follow_form: FollowForm | None = None,
             role_error: tuple[int, str] | None = None, section_error: str | None = None) -> dict:
    """Everything members.html and _members.html need: members and (for managers) pending requests."""
    user = me()
    my_member = access.membership(user, mainline)
    manage = access.can_manage(user, mainline)
    members = list(queries.members(mainline))
    owners = sum(1 for m in members if m.role == ROLE_OWNER)
    role_forms = {}
    if manage:
        for m in members:
            role_forms[m.id] = RoleForm(formdata=None, role=m.role)
        if role_error and role_error[0] in role_forms:
            role_forms[role_error[0]].role.errors = [role_error[1]]
    if my_member is not None and follow_form is None:
        follow_form = FollowForm(formdata=None, follow=my_member.follow)
    return {
        "mainline": mainline,
        "tab": "members",
        "my_role": my_member.role if my_member else None,
        "my_member": my_member,
        "can_manage": manage,
        "members": members,
        "last_owner": my_member is not None and my_member.role == ROLE_OWNER and owners <= 1,
        "owners": owners,
        "requests": list(queries.pending_requests(mainline)) if manage else [],
        "invite_form": (invite_form or InviteForm(formdata=None)) if manage else None,
        "role_forms": role_forms,
        "follow_form": follow_form,
        "follow_labels": follow_labels(),
        "join_url": url_for("mainlines.join", token=mainline.join_token, _external=True)
        if manage and mainline.join_token else None,
        "section_error": section_error,
    }


def _section(mainline: Mainline, status: int = 200, **context):
    return htmx.render("mainlines/members.html", partial="mainlines/_members.html", status=status,
                       **_context(mainline, **context))


def _done(mainline_id: int, message: str):
    """After a change: the fresh section for htmx, otherwise 303 back to the page with a flash."""
    _forget_roles()
    if htmx.is_partial():
        return _section(access.mainline_or_404(me(), mainline_id))
    flash(message, "success")
    return htmx.redirect(url_for("mainlines.members", mainline_id=mainline_id))


@bp.route("/<int:mainline_id>/members")
@login_required
def members(mainline_id: int):
    """GET: the members page; htmx gets ``#mainline-members`` alone.

    Everyone sees the members and their own follow level; managers also invite, change
    roles, remove, decide join requests and switch the join link.
    """
    return _section(access.mainline_or_404(me(), mainline_id))


@bp.route("/<int:mainline_id>/members", methods=["POST"])
@login_required
def invite(mainline_id: int):
    """POST (managers): add the named colleagues; each is told in the inbox.

    htmx: ``#mainline-members`` with a fresh form; 422 with the form's errors; no JS: 303.
    """
    mainline = access.managed_or_404(me(), mainline_id)
    form = InviteForm()
    if form.validate_on_submit():
        people, unknown = find_people(form.people.data)
        if unknown:
            form.people.errors.append(_("Nobody is called %(names)s.", names="、".join(unknown)))
        else:
            try:
                ids = membership.invite(mainline, me(), people, form.role.data)
            except MemberError as error:
                getattr(form, error.field, form.people).errors.append(str(error))
            else:
                _deliver(ids)
                return _done(mainline_id, _("Colleagues added."))
    return _section(mainline, 422, invite_form=form)


@bp.route("/<int:mainline_id>/members/<int:member_id>/role", methods=["POST"])
@login_required
def member_role(mainline_id: int, member_id: int):
    """POST role=owner|member|viewer (managers). htmx: ``#mainline-members``; 422 with the
    error next to that member (the last owner cannot step down); no JS: 303."""
    mainline = access.managed_or_404(me(), mainline_id)
    member = _member_or_404(mainline, member_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            membership.change_role(member, me(), form.role.data)
        except MemberError as error:
            return _section(mainline, 422, role_error=(member.id, str(error)))
        return _done(mainline_id, _("Role changed."))
    return _section(mainline, 422, role_error=(member.id, " ".join(form.role.errors)))


@bp.route("/<int:mainline_id>/members/<int:member_id>/remove", methods=["POST"])
@login_required
def member_remove(mainline_id: int, member_id: int):
    """POST: a manager removes a member, or a member leaves (their own row).

    Leaving ends at the mainlines overview (HX-Redirect for htmx), since the mainline
    is then out of sight. The last owner stays: 422 with the reason.
    """
    mainline = access.mainline_or_404(me(), mainline_id)
    member = _member_or_404(mainline, member_id)
    leaving = member.user_id == current_user.id
    if not leaving and not access.can_manage(me(), mainline):
        abort(403)
    try:
        membership.remove(member, me())
    except MemberError as error:
        return _section(mainline, 422, section_error=str(error))
    if leaving:
        _forget_roles()
        flash(_("You left %(title)s.", title=mainline.title), "success")
        return htmx.redirect(url_for("mainlines.index"))
    return _done(mainline_id, _("Removed."))


@bp.route("/<int:mainline_id>/follow", methods=["POST"])
@login_required
def follow(mainline_id: int):
    """POST follow=all|key|none: what of this mainline the current member is told about.

    htmx: ``#mainline-members``; no JS: 303. A director outside the mainline follows
    nothing: 400 with the reason (a toast for htmx).
    """
    mainline = access.mainline_or_404(me(), mainline_id)
    my_member = access.membership(me(), mainline)
    if my_member is None:
        message = _("Only members follow a mainline. Add yourself as a member first.")
        if htmx.is_htmx():
            return toast(message, 400)
        return render_template("errors/error.html", code=400, message=message), 400
    form = FollowForm()
    if form.validate_on_submit():
        membership.set_follow(my_member, form.follow.data)
        return _done(mainline_id, _("Saved."))
    return _section(mainline, 422, follow_form=form)


@bp.route("/<int:mainline_id>/join-link", methods=["POST"])
@login_required
def join_link(mainline_id: int):
    """POST enabled=1|0 (managers): a fresh join link (the old one stops working) or none.

    htmx: ``#mainline-members``; no JS: 303.
    """
    mainline = access.managed_or_404(me(), mainline_id)
    enabled = request.form.get("enabled") == "1"
    plans.set_join_link(mainline, me(), enabled)
    return _done(mainline_id, _("New join link made.") if enabled else _("Join link switched off."))


@bp.route("/<int:mainline_id>/requests/<int:request_id>", methods=["POST"])
@login_required
def decide(mainline_id: int, request_id: int):
    """POST accept=1|0 (managers): accept (a new member) or decline a join request; the
    person is told. htmx: ``#mainline-members``; no JS: 303. A request decided meanwhile
    is left as it was."""
    mainline = access.managed_or_404(me(), mainline_id)
    join_request = JoinRequest.get_or_none((JoinRequest.id == request_id) & (JoinRequest.mainline == mainline.id))
    if join_request is None:
        abort(404)
    accept = request.form.get("accept") == "1"
    changed, ids = membership.decide(join_request, me(), accept)
    _deliver(ids)
    if not changed:
        message = _("This request was already decided.")
    else:
        message = _("Request accepted.") if accept else _("Request declined.")
    return _done(mainline_id, message)


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def join(token: str):
    """GET: the mainline behind a join link (title, owner) and a request form. POST: ask to
    join; the owners are told; 303 back here, which then says the request is waiting.

    The only mainline URL a non-member may open: the token is the secret. A wrong or
    switched-off link is 404; a member goes straight to the mainline.
    """
    Owner = User.alias()
    mainline = (Mainline.select(Mainline, Owner.id, Owner.display_name)
                .join(Owner, on=(Mainline.owner == Owner.id), attr="owner")
                .where((Mainline.join_token == token) & (Mainline.join_token != "")).first())
    if mainline is None:
        abort(404)
    if access.membership(me(), mainline) is not None:
        return htmx.redirect(url_for("mainlines.show", mainline_id=mainline.id))
    form = JoinForm()
    status = 200
    if form.validate_on_submit():
        try:
            ids = membership.request_to_join(mainline, me(), form.message.data)[1]
        except MemberError as error:
            getattr(form, error.field, form.message).errors.append(str(error))
            status = 422
        else:
            _deliver(ids)
            flash(_("Your request was sent to the owner."), "success")
            return htmx.redirect(url_for("mainlines.join", token=token))
    elif request.method == "POST":
        status = 422
    waiting = JoinRequest.select().where((JoinRequest.mainline == mainline.id) & (JoinRequest.user == current_user.id)
                                         & JoinRequest.decided_at.is_null()).exists()
    return htmx.render("mainlines/join.html", status=status, mainline=mainline, form=form, waiting=waiting,
                       token=token)
