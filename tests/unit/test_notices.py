"""Notice rules without HTTP: audience, validation, and confirmation under concurrent clicks."""
import datetime as dt

import pytest

from office.db import db
from office.models.base import utcnow
from office.models.inbox import Notification
from office.models.notices import Notice, NoticeConfirmation
from office.notices.publishing import NoticeError, confirm, publish, recipient_ids
from tests.factories import make_department, make_user
from tests.parallel import at_once


@pytest.fixture
def team(app):
    service = make_department("客服部")
    presale = make_department("售前组", parent=service)
    return {
        "head": make_user("zhengli", role="head", department=service),
        "agent": make_user("hejing", department=presale),
        "other": make_user("hanxue", department=make_department("仓储部")),
        "service": service,
    }


def test_recipients_include_sub_departments_and_leave_out_the_author(team):
    assert recipient_ids(False, [team["service"].id], team["head"].id) == [team["agent"].id]
    assert recipient_ids(True, [], team["head"].id) == [team["agent"].id, team["other"].id]


def test_staff_may_not_publish(team):
    with pytest.raises(NoticeError):
        publish(team["agent"], "标题", "正文")
    assert Notice.select().count() == 0


def test_expiry_must_be_in_the_future(team):
    now = utcnow()
    with pytest.raises(NoticeError) as error:
        publish(team["head"], "标题", "正文", expires_at=now, now=now)
    assert error.value.field == "expires_at"


def test_publish_writes_everything_in_one_transaction(team, monkeypatch):
    """If the notification rows fail, the notice and its departments are not left behind."""
    import office.notices.publishing as publishing

    def broken(*args, **kwargs):
        raise RuntimeError("inbox down")

    monkeypatch.setattr(publishing, "notify", broken)
    with pytest.raises(RuntimeError):
        publish(team["head"], "标题", "正文", [team["service"].id])
    assert Notice.select().count() == 0 and Notification.select().count() == 0


def test_concurrent_double_click_confirms_once(app, team):
    notice = publish(team["head"], "请确认", "正文", [team["service"].id], needs_confirmation=True).notice
    agent = team["agent"]
    departments = [team["service"].id]
    db.close()
    for _ in range(5):
        outcomes = at_once(app, [lambda: confirm(notice, agent, departments)] * 2)
        assert sorted(outcomes) == [False, True]
        assert NoticeConfirmation.select().where(NoticeConfirmation.notice == notice.id).count() == 1
        NoticeConfirmation.delete().execute()
        db.close()


def test_confirm_is_refused_outside_the_audience(team):
    notice = publish(team["head"], "请确认", "正文", [team["service"].id], needs_confirmation=True,
                     now=utcnow() - dt.timedelta(seconds=1)).notice
    with pytest.raises(NoticeError):
        confirm(notice, team["other"], [team["service"].id])
    with pytest.raises(NoticeError):
        confirm(notice, team["head"], [team["service"].id])
    assert confirm(notice, team["agent"], [team["service"].id]) is True
    assert confirm(notice, team["agent"], [team["service"].id]) is False
