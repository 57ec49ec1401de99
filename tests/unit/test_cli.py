"""The flask commands: init-db, create-user, seed-demo."""
from office.models.people import Department, User


def test_create_user(runner):
    Department.create(name="客服部")
    result = runner.invoke(args=["create-user", "Zhang", "--password", "longenough", "--role", "admin",
                                 "--department", "客服部", "--name", "张伟"])
    assert result.exit_code == 0, result.output
    user = User.get(User.username == "zhang")
    assert user.role == "admin" and user.department.name == "客服部" and user.display_name == "张伟"


def test_create_user_errors_are_clear(runner):
    assert "no department" in runner.invoke(args=["create-user", "a", "--password", "longenough",
                                                   "--department", "无此部门"]).output
    assert "8" in runner.invoke(args=["create-user", "a", "--password", "short"]).output
    runner.invoke(args=["create-user", "a", "--password", "longenough"])
    assert "已被占用" in runner.invoke(args=["create-user", "a", "--password", "longenough"]).output


def test_create_user_refuses_weak_passwords(runner):
    common = runner.invoke(args=["create-user", "zhang", "--password", "password1"])
    assert common.exit_code != 0 and "这个密码太常见" in common.output
    named = runner.invoke(args=["create-user", "zhang", "--password", "Zhang-2026"])
    assert named.exit_code != 0 and "密码不能包含用户名" in named.output
    assert not User.select().where(User.username == "zhang").exists()


def test_seed_demo_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "admin" in result.output and "demo1234" in result.output
    assert User.select().count() >= 20
    names = {d.name for d in Department.select()}
    assert {"运营推广部", "设计策划部", "客服部", "物流仓储部", "采购部", "人事部", "财务部"} <= names
    assert Department.get(Department.name == "客服部").head.display_name == "郑丽"
    # --if-empty is silent on a seeded database; without it the refusal is explicit.
    assert runner.invoke(args=["seed-demo", "--if-empty"]).output == ""
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
