"""Approval form fields without HTTP: spec checks, cleaning every type, route values, display."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from office.approvals.fields import (
    ATTACHMENT,
    CHOICE,
    CHOICES,
    DATE,
    DATERANGE,
    DEPARTMENT,
    FIELD_TYPES,
    MONEY,
    NUMBER,
    PERSON,
    TEXT,
    TEXTAREA,
    FieldError,
    FieldErrors,
    FieldSpec,
    check_specs,
    clean,
    days_between,
    display,
    dump_specs,
    load_specs,
    value_of,
)
from office.people.accounts import set_active
from office.rules import RuleError
from tests.factories import make_department, make_user

REQUIRED = "This field is required."


@pytest.fixture(autouse=True)
def english(app):
    """Messages are compared in English; the app's default locale is Chinese."""
    with app.test_request_context(), force_locale("en"):
        yield


def one(spec: FieldSpec, raw: dict) -> object:
    """The cleaned value of a single field."""
    return clean([spec], raw)[spec.name]


def error_of(spec: FieldSpec, raw: dict) -> str:
    with pytest.raises(FieldErrors) as caught:
        clean([spec], raw)
    assert list(caught.value.errors) == [spec.name]
    return caught.value.errors[spec.name]


# --- specs -----------------------------------------------------------------------------------


def test_field_types_are_all_listed():
    assert FIELD_TYPES == (TEXT, TEXTAREA, NUMBER, MONEY, DATE, DATERANGE, CHOICE, CHOICES, PERSON, DEPARTMENT,
                           ATTACHMENT)


def test_specs_survive_a_json_round_trip():
    specs = [
        FieldSpec("reason", "事由", TEXTAREA, required=True, max=500, help="写清楚用途"),
        FieldSpec("kind", "请假类型", CHOICE, True, ["年假", "事假", "病假"]),
        FieldSpec("amount", "金额", MONEY, min=0.01, max=50000),
    ]
    check_specs(specs)
    assert load_specs(json.loads(json.dumps(dump_specs(specs), ensure_ascii=False))) == specs


def test_from_dict_fills_defaults_and_drops_unknown_keys():
    spec = FieldSpec.from_dict({"name": "note", "label": "备注", "type": TEXT, "placeholder": "later version"})
    assert spec == FieldSpec("note", "备注", TEXT)


@pytest.mark.parametrize("specs, fragment", [
    ([FieldSpec("Amount", "金额", MONEY)], "lowercase"),
    ([FieldSpec("1st", "第一", TEXT)], "lowercase"),
    ([FieldSpec("a-b", "甲乙", TEXT)], "lowercase"),
    ([FieldSpec("", "空", TEXT)], "lowercase"),
    ([FieldSpec("x" * 41, "长", TEXT)], "lowercase"),
    ([FieldSpec("amount", "金额", MONEY), FieldSpec("amount", "金额2", NUMBER)], "Two fields are named amount"),
    ([FieldSpec("amount", " ", MONEY)], "label"),
    ([FieldSpec("amount", "金额", "currency")], "unknown field type currency"),
    ([FieldSpec("kind", "类型", CHOICE)], "options"),
    ([FieldSpec("tags", "标签", CHOICES, options=[])], "options"),
    ([FieldSpec("tags", "标签", CHOICES, options=["a", "a"])], "distinct"),
    ([FieldSpec("tags", "标签", CHOICES, options=["a", " "])], "distinct"),
    ([FieldSpec("amount", "金额", MONEY, min=100, max=10)], "minimum is above the maximum"),
    ([FieldSpec("title", "标题", TEXT, min=5, max=2)], "minimum is above the maximum"),
    ([FieldSpec("title", "标题", TEXT, max=-1)], "whole numbers"),
    ([FieldSpec("title", "标题", TEXT, max=2.5)], "whole numbers"),
    ([FieldSpec("n", "数", NUMBER, max="10")], "numbers"),
    ([FieldSpec("trip", "出差日期", DATERANGE), FieldSpec("trip_end", "结束", DATE)], "trip_end clashes"),
])
def test_check_specs_refuses_bad_specs(specs, fragment):
    with pytest.raises(FieldError) as caught:
        check_specs(specs)
    assert fragment in str(caught.value)
    assert caught.value.field == "fields"
    assert isinstance(caught.value, RuleError)


def test_check_specs_accepts_every_type():
    check_specs([FieldSpec(kind, kind, kind, options=["甲", "乙"] if kind in (CHOICE, CHOICES) else [])
                 for kind in FIELD_TYPES])


# --- text ------------------------------------------------------------------------------------


def test_text_is_stripped_and_limited_to_200_by_default():
    spec = FieldSpec("title", "标题", TEXT)
    assert one(spec, {"title": "  采购打印机  "}) == "采购打印机"
    assert one(spec, {"title": "字" * 200}) == "字" * 200
    assert error_of(spec, {"title": "字" * 201}) == "At most 200 characters."


def test_textarea_allows_2000_and_counts_a_line_break_once():
    spec = FieldSpec("reason", "事由", TEXTAREA)
    assert one(spec, {"reason": "一\r\n二"}) == "一\n二"
    assert len(one(spec, {"reason": "\r\n".join(["字"] * 1000)})) == 1999
    assert error_of(spec, {"reason": "字" * 2001}) == "At most 2000 characters."


def test_text_bounds_from_the_spec():
    spec = FieldSpec("code", "编号", TEXT, min=3, max=5)
    assert one(spec, {"code": "abc"}) == "abc"
    assert error_of(spec, {"code": "ab"}) == "At least 3 characters."
    assert error_of(spec, {"code": "abcdef"}) == "At most 5 characters."


@pytest.mark.parametrize("kind", FIELD_TYPES)
@pytest.mark.parametrize("raw", [{}, {"f": ""}, {"f": "   "}, {"f": []}, {"f": None}, {"f": [""]}])
def test_every_type_says_required_when_empty(kind, raw):
    spec = FieldSpec("f", "字段", kind, required=True, options=["甲"] if kind in (CHOICE, CHOICES) else [])
    assert error_of(spec, raw) == REQUIRED


@pytest.mark.parametrize("kind, empty", [(kind, [] if kind in (CHOICES, ATTACHMENT) else None)
                                         for kind in FIELD_TYPES])
def test_every_optional_type_may_stay_empty(kind, empty):
    spec = FieldSpec("f", "字段", kind, options=["甲"] if kind in (CHOICE, CHOICES) else [])
    assert clean([spec], {"f": ""}) == {"f": empty}


# --- numbers and money -----------------------------------------------------------------------


@pytest.mark.parametrize("raw, cleaned", [
    ("3", 3), ("-2", -2), ("3.50", 3.5), ("0.5", 0.5), ("1,234", 1234), ("１２．５", 12.5), (" 7 ", 7),
])
def test_number_is_int_when_integral_else_float(raw, cleaned):
    value = one(FieldSpec("n", "数量", NUMBER), {"n": raw})
    assert value == cleaned and type(value) is type(cleaned)


@pytest.mark.parametrize("raw", ["abc", "1e3", "nan", "inf", "1,23", "12,34.5", "1.2.3", "--1", "٣"])
def test_number_refuses_what_is_not_a_plain_number(raw):
    assert error_of(FieldSpec("n", "数量", NUMBER), {"n": raw}).startswith("Enter a number")


def test_number_bounds_and_digits():
    spec = FieldSpec("days", "天数", NUMBER, min=0.5, max=30)
    assert one(spec, {"days": "0.5"}) == 0.5
    assert error_of(spec, {"days": "0.4"}) == "Must be at least 0.5."
    assert error_of(spec, {"days": "31"}) == "Must be at most 30."
    assert error_of(FieldSpec("n", "数", NUMBER), {"n": "1" * 16}) == "At most 15 digits."


@pytest.mark.parametrize("raw, cleaned", [
    ("5000", "5000.00"),
    ("5,000.00", "5000.00"),  # thousands commas are accepted
    ("1,234,567.8", "1234567.80"),
    ("0.30", "0.30"),
    ("0.3", "0.30"),
    ("0.1", "0.10"),
    ("0", "0.00"),
    ("¥1,200.50", "1200.50"),
    ("￥８８", "88.00"),
    ("999999999999.99", "999999999999.99"),
])
def test_money_is_an_exact_string_with_two_decimals(raw, cleaned):
    assert one(FieldSpec("amount", "金额", MONEY), {"amount": raw}) == cleaned


@pytest.mark.parametrize("raw, message", [
    ("0.301", "At most 2 decimal places."),
    ("1.500", "At most 2 decimal places."),
    ("-5", "The amount cannot be negative."),
    ("-0.01", "The amount cannot be negative."),
    ("1e3", "Enter an amount, such as 5000 or 5,000.00."),
    ("5,00", "Enter an amount, such as 5000 or 5,000.00."),  # a European decimal comma, not 500
    ("50,00.00", "Enter an amount, such as 5000 or 5,000.00."),
    ("五千", "Enter an amount, such as 5000 or 5,000.00."),
    ("NaN", "Enter an amount, such as 5000 or 5,000.00."),
    ("1000000000000", "At most 12 digits before the decimal point."),
])
def test_money_refusals(raw, message):
    assert error_of(FieldSpec("amount", "金额", MONEY), {"amount": raw}) == message


def test_money_sums_are_exact_where_floats_are_not():
    spec = FieldSpec("amount", "金额", MONEY)
    total = sum(value_of([spec], clean([spec], {"amount": raw}), "amount") for raw in ("0.1", "0.2"))
    assert 0.1 + 0.2 != 0.3 and total == Decimal("0.30")


def test_money_bounds_compare_exactly():
    spec = FieldSpec("amount", "金额", MONEY, min=0.1, max=5000)
    assert one(spec, {"amount": "0.10"}) == "0.10"  # the float bound 0.1 is not 0.1000000000000000055...
    assert one(spec, {"amount": "5,000.00"}) == "5000.00"
    assert error_of(spec, {"amount": "0.09"}) == "Must be at least 0.1."
    assert error_of(spec, {"amount": "5000.01"}) == "Must be at most 5000."


# --- dates -----------------------------------------------------------------------------------


def test_date_is_an_iso_string():
    spec = FieldSpec("day", "日期", DATE)
    assert one(spec, {"day": "2026-11-01"}) == "2026-11-01"
    assert one(spec, {"day": dt.date(2026, 2, 28)}) == "2026-02-28"
    for bad in ("2026-02-30", "20261101", "2026/11/01", "11-01", "明天"):
        assert error_of(spec, {"day": bad}) == "Enter a date as YYYY-MM-DD."
    assert error_of(spec, {"day": dt.datetime(2026, 11, 1, 9)}) == "Enter a date as YYYY-MM-DD."


def test_daterange_from_two_keys_or_a_pair():
    spec = FieldSpec("leave", "请假时间", DATERANGE)
    assert one(spec, {"leave_start": "2026-11-01", "leave_end": "2026-11-03"}) == ["2026-11-01", "2026-11-03"]
    assert one(spec, {"leave": ("2026-11-01", "2026-11-01")}) == ["2026-11-01", "2026-11-01"]
    assert one(spec, {"leave": [dt.date(2026, 11, 1), "2026-11-02"]}) == ["2026-11-01", "2026-11-02"]


def test_daterange_refusals():
    spec = FieldSpec("leave", "请假时间", DATERANGE, required=True)
    assert error_of(spec, {"leave_start": "2026-11-03", "leave_end": "2026-11-01"}) == \
        "The end date cannot be before the start date."
    assert error_of(spec, {"leave_start": "2026-11-03"}) == "Give both the start and the end date."
    assert error_of(spec, {"leave": ["2026-11-03"]}) == "Give both the start and the end date."
    assert error_of(spec, {"leave": "2026-11-03"}) == "Give both the start and the end date."
    assert error_of(spec, {"leave_start": "2026-11-03", "leave_end": "后天"}) == "Enter a date as YYYY-MM-DD."
    assert error_of(spec, {"leave_start": "", "leave_end": ""}) == REQUIRED


def test_days_between_counts_both_ends():
    assert days_between(dt.date(2026, 11, 1), dt.date(2026, 11, 3)) == 3
    assert days_between("2026-11-01", "2026-11-01") == 1
    assert days_between("2026-02-27", "2026-03-01") == 3
    with pytest.raises(FieldError):
        days_between("2026-11-03", "2026-11-01")


# --- choices ---------------------------------------------------------------------------------


def test_choice_must_be_an_option():
    spec = FieldSpec("kind", "类型", CHOICE, options=["年假", "事假"])
    assert one(spec, {"kind": "事假"}) == "事假"
    assert one(spec, {"kind": ["事假"]}) == "事假"
    assert error_of(spec, {"kind": "婚假"}) == "Choose one of the options."
    assert error_of(spec, {"kind": ["年假", "事假"]}) == "Give one value only."


def test_choices_are_kept_in_option_order_once_each():
    spec = FieldSpec("shops", "店铺", CHOICES, options=["天猫", "京东", "拼多多"])
    assert one(spec, {"shops": ["拼多多", "天猫", "拼多多", ""]}) == ["天猫", "拼多多"]
    assert one(spec, {"shops": "京东"}) == ["京东"]
    assert one(spec, MultiDict([("shops", "京东"), ("shops", "天猫")])) == ["天猫", "京东"]
    assert error_of(spec, {"shops": ["天猫", "抖音"]}) == "Choose only from the options."


# --- people, departments, attachments ---------------------------------------------------------


def test_person_must_be_an_active_user():
    spec = FieldSpec("handover", "工作交接人", PERSON)
    active, leaver = make_user(), make_user()
    set_active(leaver, False, by=None)
    assert one(spec, {"handover": str(active.id)}) == active.id
    assert one(spec, {"handover": active.id}) == active.id
    for bad in (str(leaver.id), "99999", "abc", "1.5", "-1"):
        assert error_of(spec, {"handover": bad}) == "Choose an active colleague."


def test_department_must_exist():
    spec = FieldSpec("team", "部门", DEPARTMENT)
    department = make_department("客服部")
    assert one(spec, {"team": f" {department.id} "}) == department.id
    assert error_of(spec, {"team": str(department.id + 1000)}) == "Choose an existing department."
    assert error_of(spec, {"team": "客服部"}) == "Choose an existing department."


def test_attachments_are_a_list_of_names():
    spec = FieldSpec("files", "附件", ATTACHMENT, required=True)
    assert one(spec, {"files": ["invoice.pdf", " ", "12"]}) == ["invoice.pdf", "12"]
    assert one(spec, {"files": "receipt.jpg"}) == ["receipt.jpg"]
    assert error_of(spec, {"files": ["", " "]}) == REQUIRED


# --- a whole form ----------------------------------------------------------------------------


LEAVE = [
    FieldSpec("kind", "请假类型", CHOICE, True, ["年假", "事假", "病假"]),
    FieldSpec("leave", "请假时间", DATERANGE, True),
    FieldSpec("days", "天数", NUMBER, True, min=0.5),
    FieldSpec("reason", "事由", TEXTAREA, True),
    FieldSpec("cost", "费用", MONEY),
    FieldSpec("handover", "工作交接人", PERSON),
]


def test_a_whole_form_cleans_to_json_and_ignores_unknown_keys():
    person = make_user()
    raw = {"kind": "年假", "leave_start": "2026-11-01", "leave_end": "2026-11-03", "days": "3",
           "reason": "回老家", "cost": "", "handover": str(person.id), "csrf_token": "x", "is_admin": "1"}
    data = clean(LEAVE, raw)
    assert data == {"kind": "年假", "leave": ["2026-11-01", "2026-11-03"], "days": 3, "reason": "回老家",
                    "cost": None, "handover": person.id}
    assert json.loads(json.dumps(data)) == data
    assert clean(LEAVE, data) == data  # cleaning stored data again changes nothing


def test_all_errors_are_collected_at_once():
    raw = {"kind": "婚假", "leave_start": "2026-11-03", "leave_end": "2026-11-01", "days": "0",
           "cost": "1.001", "handover": "99999"}
    with pytest.raises(FieldErrors) as caught:
        clean(LEAVE, raw)
    errors = caught.value.errors
    assert errors == {
        "kind": "Choose one of the options.",
        "leave": "The end date cannot be before the start date.",
        "days": "Must be at least 0.5.",
        "reason": REQUIRED,
        "cost": "At most 2 decimal places.",
        "handover": "Choose an active colleague.",
    }
    message = str(caught.value)
    assert "请假类型: Choose one of the options." in message and "事由: This field is required." in message
    assert caught.value.field == "kind"
    assert isinstance(caught.value, FieldError) and isinstance(caught.value, RuleError)


# --- route values and display ----------------------------------------------------------------


def test_value_of_gives_comparable_values():
    specs = LEAVE + [FieldSpec("day", "日期", DATE), FieldSpec("tags", "标签", CHOICES, options=["a", "b"])]
    data = {"kind": "年假", "leave": ["2026-11-01", "2026-11-03"], "days": 2.5, "cost": "5000.00",
            "day": "2026-11-05", "tags": ["b"], "reason": "事由", "handover": None}
    assert value_of(specs, data, "cost") == Decimal("5000.00") and value_of(specs, data, "cost") > 4999
    assert value_of(specs, data, "days") == Decimal("2.5")
    assert value_of(specs, data, "leave") == (dt.date(2026, 11, 1), dt.date(2026, 11, 3))
    assert value_of(specs, data, "day") == dt.date(2026, 11, 5)
    assert value_of(specs, data, "kind") == "年假"
    assert value_of(specs, data, "tags") == ["b"]
    assert value_of(specs, data, "handover") is None
    assert value_of(specs, {}, "tags") == []
    with pytest.raises(KeyError):
        value_of(specs, data, "missing")


@pytest.mark.parametrize("spec, value, shown", [
    (FieldSpec("m", "金额", MONEY), "5000.00", "¥5,000.00"),
    (FieldSpec("m", "金额", MONEY), "0.30", "¥0.30"),
    (FieldSpec("m", "金额", MONEY), "1234567.80", "¥1,234,567.80"),
    (FieldSpec("n", "数", NUMBER), 2.5, "2.5"),
    (FieldSpec("n", "数", NUMBER), 1000, "1000"),
    (FieldSpec("r", "时间", DATERANGE), ["2026-11-01", "2026-11-03"], "2026-11-01 to 2026-11-03"),
    (FieldSpec("d", "日期", DATE), "2026-11-01", "2026-11-01"),
    (FieldSpec("c", "店铺", CHOICES, options=["天猫", "京东"]), ["天猫", "京东"], "天猫、京东"),
    (FieldSpec("a", "附件", ATTACHMENT), ["a.pdf", "b.jpg"], "a.pdf、b.jpg"),
    (FieldSpec("t", "备注", TEXT), "备注", "备注"),
    (FieldSpec("t", "备注", TEXT), None, ""),
    (FieldSpec("c", "店铺", CHOICES, options=["天猫"]), [], ""),
])
def test_display(spec, value, shown):
    assert display(spec, value) == shown


def test_display_names_people_and_departments_when_given():
    person, team = FieldSpec("p", "交接人", PERSON), FieldSpec("d", "部门", DEPARTMENT)
    assert display(person, 7, {7: "李小丽"}) == "李小丽"
    assert display(person, 7) == "#7"
    assert display(team, 3, {7: "李小丽"}) == "#3"


def test_display_in_chinese(app):
    with force_locale("zh_CN"):
        shown = display(FieldSpec("r", "时间", DATERANGE), ["2026-11-01", "2026-11-03"])
    # The catalog may not carry this msgid yet; either form is the same range.
    assert shown in ("2026-11-01 至 2026-11-03", "2026-11-01 to 2026-11-03")
