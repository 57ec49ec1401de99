"""Plain factory functions for tests: they go through the real rules."""
from __future__ import annotations

from office.departments.tree import create_department
from office.models.people import Department, User
from office.people.accounts import create_user

TEST_PASSWORD = "password123"
_counter = {"n": 0}


def make_department(name: str | None = None, parent: Department | None = None) -> Department:
    _counter["n"] += 1
    return create_department(name or f"部门{_counter['n']}", parent)


def make_user(username: str | None = None, role: str = "staff", department: Department | None = None,
              password: str = TEST_PASSWORD, **fields) -> User:
    _counter["n"] += 1
    username = username or f"user{_counter['n']}"
    fields.setdefault("display_name", f"测试{_counter['n']}")
    # TEST_PASSWORD is on the common-passwords list; the tests sign in with it everywhere.
    return create_user(username, password, role=role, department=department, allow_common_password=True,
                       **fields)


def approval_org() -> dict:
    """The approvals tests' company: the built-in forms, 运营推广部 (head 王磊) above 天猫运营组
    (head 李娜, staff 赵鹏), and a director."""
    from office.approvals import builtin
    from office.departments.tree import update_department

    builtin.install()
    ops = make_department("运营推广部")
    tmall = make_department("天猫运营组", parent=ops)
    head_ops = make_user("wanglei", role="head", department=ops, display_name="王磊")
    head_tmall = make_user("lina", role="head", department=tmall, display_name="李娜")
    update_department(ops, head=head_ops)
    update_department(tmall, head=head_tmall)
    return {
        "ops": ops, "tmall": tmall, "head_ops": head_ops, "head_tmall": head_tmall,
        "staff": make_user("zhaopeng", department=tmall, display_name="赵鹏"),
        "director": make_user("chenjh", role="director", display_name="陈建华"),
    }


def work_order_org() -> dict:
    """The work-order tests' company: 电商中心 (head 总监) above 客服部, 运营推广部 and 设计策划部,
    with heads, staff, an outsider in no department and a director."""
    from office.departments.tree import update_department

    ecommerce = make_department("电商中心")
    service = make_department("客服部", parent=ecommerce)
    ops = make_department("运营推广部", parent=ecommerce)
    design = make_department("设计策划部", parent=ecommerce)
    boss = make_user("boss", role="head", department=ecommerce, display_name="总监")
    head_service = make_user("headcs", role="head", department=service, display_name="客服主管")
    head_design = make_user("headdesign", role="head", department=design, display_name="设计主管")
    update_department(ecommerce, head=boss)
    update_department(service, head=head_service)
    update_department(design, head=head_design)
    return {
        "service": service, "ops": ops, "design": design, "boss": boss, "head_service": head_service,
        "head_design": head_design,
        "agent": make_user("agent", department=service, display_name="小李"),
        "agent2": make_user("agent2", department=service, display_name="小王"),
        "operator": make_user("operator", department=ops, display_name="运营小张"),
        "designer": make_user("designer", department=design, display_name="设计小陈"),
        "outsider": make_user("outsider", display_name="路人"),
        "director": make_user("director", role="director", display_name="陈总"),
    }
