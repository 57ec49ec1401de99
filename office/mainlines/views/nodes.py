"""Views for a mainline's node board (/mainlines/<id>/board) and every node action: add, edit,
assign, start, finish, reopen, delete.

Every URL opens the mainline through access.mainline_or_404 (a non-member gets 404, partials
included) and the node through access.node_or_404 (another mainline's node is a 404); a member
who may not do the action gets 403. Changes answer with the whole board (``#mainline-board``)
or one card (``#node-<id>``), chosen by HX-Target; without JS, 303 back to the board.
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from peewee import JOIN
from wtforms import SelectChoice

from office import htmx
from office.access import me
from office.departments.tree import choices as department_choices
from office.errors import toast
from office.live.events import latest_id
from office.mainlines import access, nodes, pages
from office.mainlines.blueprint import bp
from office.mainlines.forms import AssignForm, NodeForm
from office.mainlines.nodes import ActualNeeded, NodeError
from office.models.mainlines import Member, Node, NodeDependency, Phase
from office.models.people import Department, User
from office.workorders.sources import orders_for_node
from tasks import notify as notify_tasks

BOARD_ID = "mainline-board"
MOVES = {"start": nodes.start_node, "finish": nodes.finish_node, "reopen": nodes.reopen_node}


def _deliver(ids) -> None:
    # After the rule's transaction has committed: a channel failure cannot undo the change.
    if ids:
        notify_tasks.deliver_notifications(ids)


def _managed_node(mainline_id: int, node_id: int):
    # The node first: another mainline's node is a 404 even for someone who may not manage.
    mainline = access.mainline_or_404(me(), mainline_id)
    node = access.node_or_404(me(), mainline, node_id)
    if not access.can_manage(me(), mainline):
        abort(403)
    return mainline, node


def _board_url(mainline, node_id: int | None = None) -> str:
    url = url_for("mainlines.board", mainline_id=mainline.id)
    return f"{url}#node-{node_id}" if node_id else url


def _board_page(mainline, status: int = 200, **context):
    # The cursor before the board is read, so a change committed in between still arrives live.
    live_after = latest_id()
    return htmx.render("mainlines/board.html", partial="mainlines/_board.html", status=status,
                       mainline=mainline, board=pages.board(mainline), tab="board",
                       my_role=access.role_in(me(), mainline), live_after=live_after,
                       live_args={"view": "board", "mainline": mainline.id}, **context)


def _find(board, node_id: int):
    for column in board.columns:
        for node in column.nodes:
            if node.id == node_id:
                return column, node
    abort(404)


def _node_page(mainline, node_id: int, assign_form: AssignForm | None = None, status: int = 200, **context):
    """The node with its owner, department and dependencies as the board shows them, plus its
    note, every dependency and, for whoever may give it away, the assign form."""
    board = pages.board(mainline)
    column, node = _find(board, node_id)
    if assign_form is None and node.department_id and access.can_assign(me(), mainline, node):
        assign_form = _assign_form(mainline, node, data={"owner": node.owner_id})
    return htmx.render("mainlines/node.html", partial="mainlines/_node.html", status=status,
                       mainline=mainline, board=board, node=node, phase=column.phase, tab="board",
                       my_role=access.role_in(me(), mainline), assign_form=assign_form,
                       card_target=f"node-{node.id}", heading=3,
                       node_work_orders=orders_for_node(me(), node.id), **context)


def _after_change(mainline, node_id: int | None = None):
    """htmx: the card when the card asked, else the board; without JS: 303 to the board."""
    if htmx.is_partial():
        if node_id and htmx.target() == f"node-{node_id}":
            return _node_page(mainline, node_id)
        return _board_page(mainline)
    return htmx.redirect(_board_url(mainline, node_id))


# --- forms -------------------------------------------------------------------------------

def _person(user) -> str:
    department = user.department.name if user.department_id and user.department else ""
    return f"{user.display_name}（{department}）" if department else user.display_name


def _owner_choices(mainline, node=None) -> list[SelectChoice]:
    """Nobody; the mainline's members; everyone else active; a department (its head assigns).

    The node's current owner stays choosable even if deactivated, so an edit can keep it.
    """
    member_ids = {m.user_id for m in Member.select(Member.user).where(Member.mainline == mainline.id)}
    keep = node.owner_id if node is not None and node.owner_id else 0
    people = (User.select(User.id, User.display_name, User.department, Department.id, Department.name)
              .join(Department, JOIN.LEFT_OUTER, on=(User.department == Department.id), attr="department")
              .where(User.is_active | (User.id == keep))
              .order_by(User.display_name, User.id))
    members, others = [], []
    for user in people:
        (members if user.id in member_ids else others).append(user)
    in_mainline, everyone = _("Members of this mainline"), _("Other colleagues")
    team = _("A department (its head assigns)")
    return ([SelectChoice("", _("Nobody yet"))]
            + [SelectChoice(f"u{u.id}", _person(u), optgroup=in_mainline) for u in members]
            + [SelectChoice(f"u{u.id}", _person(u), optgroup=everyone) for u in others]
            + [SelectChoice(f"d{i}", name, optgroup=team) for i, name in department_choices()])


def _node_form(mainline, node=None, data=None) -> NodeForm:
    form = NodeForm(data=data) if data is not None else NodeForm()
    phases = Phase.select(Phase.id, Phase.name).where(Phase.mainline == mainline.id).order_by(Phase.position, Phase.id)
    others = (Node.select(Node.id, Node.title, Phase.name)
              .join(Phase, on=(Node.phase == Phase.id), attr="phase_row")
              .where((Node.mainline == mainline.id) & (Node.id != (node.id if node else 0)))
              .order_by(Phase.position, Node.position, Node.id))
    owners = _owner_choices(mainline, node)
    form.phase.choices = [SelectChoice(p.id, p.name) for p in phases]
    form.owner.choices = owners
    form.depends_on.choices = [SelectChoice(n.id, f"{n.phase_row.name} · {n.title}") for n in others]
    return form


def _owner_from(value: str):
    """(owner, department) from the owner select's "u<id>" / "d<id>" / ""."""
    if value and value[1:].isdigit():
        if value[0] == "u":
            return User.get_or_none(User.id == int(value[1:])), None
        if value[0] == "d":
            return None, Department.get_or_none(Department.id == int(value[1:]))
    return None, None


def _node_data(node) -> dict:
    owner = f"u{node.owner_id}" if node.owner_id else (f"d{node.department_id}" if node.department_id else "")
    depends = [d.depends_on_id for d in NodeDependency.select(NodeDependency.depends_on)
               .where(NodeDependency.node == node.id)]
    return {"title": node.title, "phase": node.phase_id, "owner": owner, "planned_hours": node.planned_hours,
            "due_date": node.due_date, "depends_on": depends, "note": node.note}


def _save(form: NodeForm, rule, *args):
    """Run ``rule`` with the form's values; a refusal lands on its field. Returns the node or None."""
    owner, department = _owner_from(form.owner.data or "")
    try:
        node, ids = rule(*args, me(), form.title.data, form.phase.data, owner=owner, department=department,
                         planned_hours=form.planned_hours.data or 0, due_date=form.due_date.data,
                         depends_on=form.depends_on.data or [], note=form.note.data or "")
    except NodeError as error:
        getattr(form, error.field, form.title).errors.append(str(error))
        return None
    _deliver(ids)
    return node


def _assign_form(mainline, node, data=None) -> AssignForm:
    """People of the node's department; a manager may also give it to anyone else active."""
    form = AssignForm(data=data) if data is not None else AssignForm()
    people = list(User.select(User.id, User.display_name, User.department)
                  .where(User.is_active).order_by(User.display_name, User.id))
    department = node.department.name if node.department_id else ""
    ours = [u for u in people if node.department_id and u.department_id == node.department_id]
    choices = [SelectChoice(u.id, u.display_name, optgroup=department or None) for u in ours]
    if access.can_manage(me(), mainline):
        choices += [SelectChoice(u.id, u.display_name, optgroup=_("Other colleagues"))
                    for u in people if u not in ours]
    form.owner.choices = choices
    return form


# --- views -------------------------------------------------------------------------------

@bp.route("/<int:mainline_id>/board")
@login_required
def board(mainline_id: int):
    """GET: the node board: phases as columns, each node a card (owner, due date, overdue, status,
    planned and actual hours, what it waits for) with the buttons the viewer may use; % done and
    plan vs actual per phase and in total. htmx gets ``#mainline-board`` alone; the live stream
    redraws it out of band."""
    return _board_page(access.mainline_or_404(me(), mainline_id))


@bp.route("/<int:mainline_id>/nodes/new", methods=["GET", "POST"])
@login_required
def node_new(mainline_id: int):
    """GET ?phase=: the node form (``#node-form`` for htmx). POST (managers): add the node; its
    owner, or its department's head, joins and is told. 303 / HX-Redirect to the board, 422 with errors."""
    mainline = access.managed_or_404(me(), mainline_id)
    if request.method == "GET":
        form = _node_form(mainline, data={"phase": request.args.get("phase", type=int), "owner": ""})
    else:
        form = _node_form(mainline)
        if form.validate_on_submit():
            node = _save(form, nodes.add_node, mainline)
            if node is not None:
                return htmx.redirect(_board_url(mainline, node.id))
    return htmx.render("mainlines/node_new.html", partial="mainlines/_node_form.html",
                       status=422 if request.method == "POST" else 200, mainline=mainline, form=form, node=None,
                       tab="board", my_role=access.role_in(me(), mainline))


@bp.route("/<int:mainline_id>/nodes/<int:node_id>")
@login_required
def node(mainline_id: int, node_id: int):
    """GET: one node: its card with the note, every dependency and the assign form (for the head of
    its department or a manager). htmx gets the card ``#node-<id>`` alone."""
    mainline = access.mainline_or_404(me(), mainline_id)
    access.node_or_404(me(), mainline, node_id)
    return _node_page(mainline, node_id)


@bp.route("/<int:mainline_id>/nodes/<int:node_id>/edit", methods=["GET", "POST"])
@login_required
def node_edit(mainline_id: int, node_id: int):
    """GET: the node form, filled in. POST (managers): save; a new owner is told. 303 / HX-Redirect
    to the board, 422 with errors (a dependency circle lands on "Waits for")."""
    mainline, current = _managed_node(mainline_id, node_id)
    if request.method == "GET":
        form = _node_form(mainline, current, data=_node_data(current))
    else:
        form = _node_form(mainline, current)
        if form.validate_on_submit():
            if _save(form, nodes.edit_node, current) is not None:
                return htmx.redirect(_board_url(mainline, current.id))
    return htmx.render("mainlines/node_edit.html", partial="mainlines/_node_form.html",
                       status=422 if request.method == "POST" else 200, mainline=mainline, form=form,
                       node=current, tab="board", my_role=access.role_in(me(), mainline))


@bp.route("/<int:mainline_id>/nodes/<int:node_id>/move", methods=["POST"])
@login_required
def node_move(mainline_id: int, node_id: int):
    """POST action=start|finish|reopen (the node's owner, its department's head, managers).
    A finish right after the start answers with the card asking for the real hours (``actual_hours``,
    empty for unknown, sent with ``answered=1``); nothing is recorded until it is answered.
    htmx: the board, or the card when HX-Target is ``node-<id>``; without JS 303 to the board.
    Waiting for a dependency: 422 with the reason (a toast for htmx). Pressing twice records once."""
    mainline = access.mainline_or_404(me(), mainline_id)
    current = access.node_or_404(me(), mainline, node_id)
    if not access.can_move(me(), mainline, current):
        abort(403)
    action = request.form.get("action", "")
    rule = MOVES.get(action)
    if rule is None:
        abort(400)
    try:
        if action == "finish":
            # ``answered`` comes from the ask form the card shows after a same-minute finish.
            answered = request.form.get("answered") == "1"
            _changed, ids = nodes.finish_node(current, me(), actual_hours=request.form.get("actual_hours"),
                                              answered=answered)
        else:
            _changed, ids = rule(current, me())
    except ActualNeeded as error:
        # Nothing changed: the card asks for the real hours (200 for the first ask, 422 for a bad answer).
        ask = {"node_id": current.id, "message": str(error), "value": request.form.get("actual_hours", ""),
               "invalid": request.form.get("answered") == "1"}
        status = 422 if ask["invalid"] else 200
        if htmx.is_partial() and htmx.target() == f"node-{current.id}":
            return _node_page(mainline, current.id, status=status, ask_actual=ask)
        return _board_page(mainline, status=status, ask_actual=ask)
    except NodeError as error:
        if htmx.is_htmx():
            return toast(str(error), 422)
        return _board_page(mainline, status=422, refusal=str(error))
    _deliver(ids)
    return _after_change(mainline, current.id)


@bp.route("/<int:mainline_id>/nodes/<int:node_id>/assign", methods=["POST"])
@login_required
def node_assign(mainline_id: int, node_id: int):
    """POST owner=<user id> (the head of the node's department, managers): give the node to a person,
    who joins the mainline and is told. htmx: the card or the board (by HX-Target); else 303.
    422 with the node page and the form's error."""
    mainline = access.mainline_or_404(me(), mainline_id)
    current = access.node_or_404(me(), mainline, node_id)
    if not access.can_assign(me(), mainline, current):
        abort(403)
    form = _assign_form(mainline, current)
    if form.validate_on_submit():
        _node, ids = nodes.assign_node(current, me(), User.get_by_id(form.owner.data))
        _deliver(ids)
        return _after_change(mainline, current.id)
    return _node_page(mainline, current.id, assign_form=form, status=422)


@bp.route("/<int:mainline_id>/nodes/<int:node_id>/delete", methods=["POST"])
@login_required
def node_delete(mainline_id: int, node_id: int):
    """POST (managers): remove the node (and its dependency links). htmx: the board; else 303."""
    mainline, current = _managed_node(mainline_id, node_id)
    nodes.delete_node(current, me())
    if htmx.is_partial() and htmx.target() == BOARD_ID:
        return _board_page(mainline)
    return htmx.redirect(_board_url(mainline))
