"""Plan templates (mainline plans to reuse, not Jinja templates): the two built in (双11大促,
新品上架) and those saved from a mainline, and instantiating one for an event date.

A plan template is phases and nodes whose due dates are day offsets from the event
date (T−30 …), so a new mainline is back-scheduled from its date. A node names
a department by name and who takes it: the department's head ("head"), the
department itself, whose head assigns it later ("department"), or the mainline
owner ("owner"); the departments of this company are matched by name when the
template is used. Imports models and the mainline rules, never views or tasks.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from flask_babel import lazy_gettext as _l

from office.db import atomic_for_update
from office.mainlines.plans import MainlineError, create_mainline, record
from office.models.mainlines import ROLE_MEMBER, Mainline, Member, Node, NodeDependency, Phase, PlanTemplate
from office.models.people import Department, User

ASSIGN_OWNER = "owner"
ASSIGN_HEAD = "head"
ASSIGN_DEPARTMENT = "department"


@dataclass
class NodeSpec:
    title: str
    phase: int  # index into TemplateSpec.phases
    offset: int  # days from the event date; negative is before it
    hours: float = 0
    department: str = ""
    assign: str = ASSIGN_HEAD
    depends: list[int] = field(default_factory=list)  # indexes into TemplateSpec.nodes


@dataclass
class TemplateSpec:
    key: str
    name: str
    description: str
    phases: list[str]
    nodes: list[NodeSpec]


BUILT_IN = {
    "double11": TemplateSpec(
        "double11", "双11大促", "45 天倒排：目标预算、报名、选品、备货、素材、预售、投放、值守、发货与售后、复盘",
        ["前期筹备", "中期执行", "后期监督"],
        [
            NodeSpec("大促目标与预算确认", 0, -45, 8, "运营推广部", ASSIGN_HEAD),
            NodeSpec("天猫/京东活动报名", 0, -40, 6, "天猫运营组", ASSIGN_DEPARTMENT, [0]),
            NodeSpec("选品与定价会", 0, -35, 6, "运营推广部", ASSIGN_HEAD, [0]),
            NodeSpec("备货与采购下单", 0, -30, 16, "采购部", ASSIGN_HEAD, [2]),
            NodeSpec("主图与详情页素材制作", 0, -21, 48, "设计策划部", ASSIGN_DEPARTMENT, [2]),
            NodeSpec("客服话术与大促培训", 0, -10, 12, "客服部", ASSIGN_HEAD, [2]),
            NodeSpec("预售上线", 1, -20, 4, "天猫运营组", ASSIGN_DEPARTMENT, [1, 4]),
            NodeSpec("直通车/引力魔方投放计划", 1, -14, 8, "天猫运营组", ASSIGN_HEAD, [0]),
            NodeSpec("仓库打包演练与耗材到位", 1, -5, 8, "物流仓储部", ASSIGN_HEAD, [3]),
            NodeSpec("大促当天值守", 1, 0, 24, "运营推广部", ASSIGN_OWNER, [6, 8]),
            NodeSpec("发货进度跟踪（48 小时内发完）", 2, 3, 16, "物流仓储部", ASSIGN_HEAD, [9]),
            NodeSpec("售后高峰处理", 2, 7, 40, "客服部", ASSIGN_DEPARTMENT, [9]),
            NodeSpec("大促复盘会", 2, 14, 4, "运营推广部", ASSIGN_OWNER, [10, 11]),
        ],
    ),
    "launch": TemplateSpec(
        "launch", "新品上架", "选品会 → 素材制作 48 h → 平台审核 24 h → 上架，上架后一周复盘",
        ["前期筹备", "中期执行", "后期监督"],
        [
            NodeSpec("选品会", 0, -10, 4, "运营推广部", ASSIGN_HEAD),
            NodeSpec("素材制作", 0, -7, 48, "设计策划部", ASSIGN_DEPARTMENT, [0]),
            NodeSpec("平台审核", 1, -2, 24, "天猫运营组", ASSIGN_HEAD, [1]),
            NodeSpec("上架", 1, 0, 2, "天猫运营组", ASSIGN_DEPARTMENT, [2]),
            NodeSpec("上架一周数据复盘", 2, 7, 4, "运营推广部", ASSIGN_OWNER, [3]),
        ],
    ),
}


def saved_key(template_id: int) -> str:
    return f"saved-{template_id}"


def all_templates() -> list[TemplateSpec]:
    """Built-in templates first, then saved ones, newest first."""
    saved = [_from_row(t) for t in PlanTemplate.select().order_by(PlanTemplate.id.desc())]
    return list(BUILT_IN.values()) + saved


def find(key: str) -> TemplateSpec | None:
    if key in BUILT_IN:
        return BUILT_IN[key]
    if key.startswith("saved-") and key[6:].isdigit():
        row = PlanTemplate.get_or_none(PlanTemplate.id == int(key[6:]))
        return _from_row(row) if row else None
    return None


def _from_row(row: PlanTemplate) -> TemplateSpec:
    data = json.loads(row.spec)
    return TemplateSpec(saved_key(row.id), row.name, row.description, data["phases"],
                        [NodeSpec(**n) for n in data["nodes"]])


def schedule(spec: TemplateSpec, event_date: dt.date) -> list[dt.date]:
    """Due date of each node: the event date plus its offset (back-scheduling)."""
    return [event_date + dt.timedelta(days=n.offset) for n in spec.nodes]


def instantiate(spec: TemplateSpec, creator: User, title: str, event_date: dt.date, goal: str = "",
                owner: User | None = None) -> Mainline:
    """A new mainline from ``spec``: phases, nodes back-scheduled from ``event_date``, each given to
    its department's head, its department, or the owner; those people join as members.

    A department the company does not have leaves the node with the owner.
    One transaction: the mainline appears whole or not at all.
    """
    owner = owner or creator
    names = {n.department for n in spec.nodes if n.department}
    departments = {}
    for department in Department.select().where(Department.name.in_(list(names))).order_by(Department.id):
        departments.setdefault(department.name, department)
    with atomic_for_update():
        mainline = create_mainline(creator, title, event_date, goal, phases=spec.phases, owner=owner)
        phases = list(Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position))
        due = schedule(spec, event_date)
        nodes, members = [], set()
        for index, item in enumerate(spec.nodes):
            department = departments.get(item.department)
            person, team = owner.id, None
            if department is not None and item.assign == ASSIGN_HEAD and department.head_id:
                person = department.head_id
            elif department is not None and item.assign == ASSIGN_DEPARTMENT:
                person, team = None, department.id
                if department.head_id:
                    members.add(department.head_id)
            if person:
                members.add(person)
            phase = phases[min(item.phase, len(phases) - 1)]
            nodes.append(Node.create(mainline=mainline, phase=phase, title=item.title, owner=person, department=team,
                                     planned_hours=item.hours, due_date=due[index], position=index))
        links = [{"node": nodes[i].id, "depends_on": nodes[d].id}
                 for i, item in enumerate(spec.nodes) for d in item.depends if 0 <= d < len(nodes) and d != i]
        if links:
            NodeDependency.insert_many(links).execute()
        members.discard(owner.id)
        if members:
            Member.insert_many([{"mainline": mainline.id, "user": u, "role": ROLE_MEMBER} for u in members]) \
                .on_conflict_ignore().execute()
        record(mainline, creator, "template", str(_l("Planned from the template %(name)s: %(n)d nodes",
                                                      name=spec.name, n=len(nodes))))
    return mainline


def spec_of(mainline: Mainline, name: str, description: str = "") -> TemplateSpec:
    """A mainline's plan as a template: offsets from its event date, and for each node the
    department and who takes it (the head, the department, or the owner)."""
    phases = list(Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position))
    phase_index = {p.id: i for i, p in enumerate(phases)}
    nodes = list(Node.select().where(Node.mainline == mainline.id).order_by(Node.phase, Node.position, Node.id))
    node_index = {n.id: i for i, n in enumerate(nodes)}
    owners = {u.id: u for u in User.select().where(User.id.in_([n.owner_id for n in nodes if n.owner_id]))}
    department_ids = {n.department_id for n in nodes if n.department_id} | {
        u.department_id for u in owners.values() if u.department_id}
    departments = {d.id: d for d in Department.select().where(Department.id.in_(list(department_ids)))}
    depends: dict[int, list[int]] = {}
    for link in NodeDependency.select().where(NodeDependency.node.in_(list(node_index))):
        if link.depends_on_id in node_index:
            depends.setdefault(link.node_id, []).append(node_index[link.depends_on_id])
    specs = []
    for node in nodes:
        department, assign = "", ASSIGN_OWNER
        if node.department_id and node.department_id in departments:
            department, assign = departments[node.department_id].name, ASSIGN_DEPARTMENT
        elif node.owner_id and node.owner_id != mainline.owner_id and node.owner_id in owners:
            person = owners[node.owner_id]
            home = departments.get(person.department_id)
            if home is not None:
                department = home.name
                assign = ASSIGN_HEAD if home.head_id == person.id else ASSIGN_DEPARTMENT
        offset = (node.due_date - mainline.event_date).days if node.due_date else 0
        specs.append(NodeSpec(node.title, phase_index.get(node.phase_id, 0), offset, node.planned_hours,
                              department, assign, sorted(depends.get(node.id, []))))
    return TemplateSpec("", name, description, [p.name for p in phases], specs)


def save_as_template(mainline: Mainline, by: User, name: str, description: str = "") -> PlanTemplate:
    name = (name or "").strip()
    if not name:
        raise MainlineError(_l("Name the template."), "name")
    if len(name) > 80:
        raise MainlineError(_l("At most %(n)d characters.", n=80), "name")
    spec = spec_of(mainline, name, (description or "").strip()[:200])
    data = {"phases": spec.phases, "nodes": [asdict(n) for n in spec.nodes]}
    with atomic_for_update():
        template = PlanTemplate.create(name=name, description=spec.description,
                                       spec=json.dumps(data, ensure_ascii=False), created_by=by)
        record(mainline, by, "template", str(_l("Saved as the template %(name)s", name=name)))
    return template
