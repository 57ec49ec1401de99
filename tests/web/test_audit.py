"""The audit trail: filters, and append-only in the model and in the database."""
import pytest
from peewee import DatabaseError
from playhouse.test_utils import assert_query_count

from office.audit.trail import record
from office.db import db
from office.models.audit import LOGIN_FAILED, AppendOnlyError, AuditEvent
from tests.conftest import hx
from tests.factories import make_user


def test_filter_by_action_and_person(client, auth, admin, staff):
    auth.login(staff, password="wrong-wrong")
    auth.login(admin)
    page = client.get("/audit/?action=login_failed").get_data(as_text=True)
    assert "登录失败" in page and "xiaoli" in page
    results = hx(client, "get", "/audit/?who=周敏", target="audit-results")
    body = results.get_data(as_text=True)
    assert "<html" not in body and 'id="audit-results"' in body and "周敏" in body and "xiaoli" not in body


def test_filter_by_date_range(client, auth, admin):
    auth.login(admin)
    assert "没有符合条件的事件" in client.get("/audit/?until=2020-01-01").get_data(as_text=True)
    assert "没有符合条件的事件" not in client.get("/audit/?since=2020-01-01").get_data(as_text=True)


def test_bad_filter_values_are_ignored_not_fatal(client, auth, admin):
    auth.login(admin)
    assert client.get("/audit/?since=not-a-date&page=abc").status_code == 200


def test_query_count_does_not_grow_with_events(client, auth, admin):
    auth.login(admin)
    with assert_query_count(4):  # session user, one page of events with actors, unread badge, live cursor
        client.get("/audit/")
    for n in range(30):
        record(LOGIN_FAILED, make_user() if n % 10 == 0 else None, subject=f"u{n}")
    with assert_query_count(4):
        client.get("/audit/")


def test_model_refuses_changes(admin):
    event = record(LOGIN_FAILED, None, subject="x")
    event.subject = "y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete_instance()
    with pytest.raises(AppendOnlyError):
        AuditEvent.update(subject="z")


@pytest.mark.parametrize("sql", ["UPDATE audit_events SET subject = 'forged'", "DELETE FROM audit_events"])
def test_database_refuses_changes(admin, sql):
    record(LOGIN_FAILED, None, subject="x")
    with pytest.raises(DatabaseError):
        with db.atomic():
            db.execute_sql(sql)
    assert AuditEvent.select().where(AuditEvent.subject == "x").count() == 1


def test_module_actions_show_in_words_not_keys(client, auth, admin):
    # issue 14: the trail showed the raw key order_notes_printed.
    record("order_notes_printed", admin, subject="SO-1", count=1)
    record("api_token_created", admin, subject="ERP")
    auth.login(admin)
    page = client.get("/audit/").get_data(as_text=True)
    assert "打印发货单" in page and "创建 API 令牌" in page
    assert ">order_notes_printed<" not in page and ">api_token_created<" not in page
    assert 'value="order_notes_printed"' in page  # and the action filter offers it
