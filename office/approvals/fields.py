"""Approval form fields: the field specs a form is built from (stored as JSON), cleaning submitted
values into JSON-ready data, reading them back for route conditions, and showing them in lists.

Pure rules: imports the people models only, never views, templates, requests or tasks.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from office.models.people import Department, User
from office.rules import RuleError

TEXT = "text"
TEXTAREA = "textarea"
NUMBER = "number"
MONEY = "money"
DATE = "date"
DATERANGE = "daterange"
CHOICE = "choice"
CHOICES = "choices"
PERSON = "person"
DEPARTMENT = "department"
ATTACHMENT = "attachment"
FIELD_TYPES = (TEXT, TEXTAREA, NUMBER, MONEY, DATE, DATERANGE, CHOICE, CHOICES, PERSON, DEPARTMENT, ATTACHMENT)

LIST_TYPES = (CHOICES, ATTACHMENT)  # cleaned to a list; every other type to a scalar or None
TEXT_MAX = {TEXT: 200, TEXTAREA: 2000}  # lengths when the spec gives no max
NAME_MAX = 40
# A float holds 15 significant digits exactly; more would be stored as something else than typed.
NUMBER_DIGITS = 15
# Up to 999,999,999,999.99: Decimal has no limit, but the figure is stored as text and shown in lists.
MONEY_DIGITS = 12

NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Commas are accepted only as thousands separators ("5,000.00"), so a European "5,00" is refused
# rather than silently read as 500. ASCII-only: \d would also match Arabic-Indic and other digits.
NUMBER_RE = re.compile(r"(?P<sign>[-+]?)(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?")
CENTS = Decimal("0.01")

REQUIRED = _l("This field is required.")


class FieldError(RuleError):
    """A refused field spec (``check_specs``) or a refused value (``clean``, via FieldErrors)."""

    default_field = "fields"


class FieldErrors(FieldError):
    """Every refused value of one submission: ``errors`` maps field name to message.

    ``field`` is the first failing field, so a view that shows one message can still place it.
    """

    def __init__(self, errors: dict[str, str], labels: Mapping[str, str] | None = None):
        labels = labels or {}
        # Messages end with a full stop in both languages, so a space is enough between them.
        joined = " ".join(str(_l("%(label)s: %(message)s", label=labels.get(name, name), message=message))
                          for name, message in errors.items())
        super().__init__(joined, field=next(iter(errors), None))
        self.errors = errors


@dataclass
class FieldSpec:
    name: str  # key in the stored data; a daterange also reads <name>_start and <name>_end from forms
    label: str
    type: str
    required: bool = False
    options: list[str] = field(default_factory=list)  # choice and choices only
    # number/money: value bounds; text/textarea: length bounds (max defaults to TEXT_MAX).
    min: float | None = None
    max: float | None = None
    help: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> FieldSpec:
        """Keys this version does not know are dropped, so specs saved by a newer version still load."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["options"] = list(values.get("options") or [])
        return cls(**values)


def dump_specs(specs: Iterable[FieldSpec]) -> list[dict]:
    return [spec.to_dict() for spec in specs]


def load_specs(data: Iterable[Mapping[str, object]]) -> list[FieldSpec]:
    return [FieldSpec.from_dict(item) for item in data]


def check_specs(specs: list[FieldSpec]) -> None:
    """Refuse a form definition that ``clean`` could not apply.

    Raises FieldError (field "fields") for the first problem: an invalid or duplicate name, a
    name that collides with a date range's ``<name>_start``/``<name>_end`` form keys, a missing
    label, an unknown type, a choice without options or with blank/repeated ones, negative or
    fractional text lengths, or a minimum above the maximum.
    """
    names: set[str] = set()
    for spec in specs:
        if not isinstance(spec.name, str) or not NAME_RE.fullmatch(spec.name) or len(spec.name) > NAME_MAX:
            raise FieldError(_l("Field names use lowercase letters, digits and underscores, starting with a "
                                "letter (at most %(n)d): %(name)s", n=NAME_MAX, name=spec.name))
        if spec.name in names:
            raise FieldError(_l("Two fields are named %(name)s.", name=spec.name))
        names.add(spec.name)
        if not (spec.label or "").strip():
            raise FieldError(_l("Give the field %(name)s a label.", name=spec.name))
        if spec.type not in FIELD_TYPES:
            raise FieldError(_l("%(label)s: unknown field type %(type)s.", label=spec.label, type=spec.type))
        if spec.type in (CHOICE, CHOICES):
            if not spec.options:
                raise FieldError(_l("%(label)s: give the options to choose from.", label=spec.label))
            cleaned = [str(option).strip() for option in spec.options]
            if not all(cleaned) or len(set(cleaned)) != len(cleaned):
                raise FieldError(_l("%(label)s: options must be distinct and not blank.", label=spec.label))
        for bound in (spec.min, spec.max):
            if bound is None:
                continue
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or bound != bound:
                raise FieldError(_l("%(label)s: the bounds must be numbers.", label=spec.label))
            if spec.type in TEXT_MAX and (bound < 0 or bound != int(bound)):
                raise FieldError(_l("%(label)s: lengths must be whole numbers, 0 or more.", label=spec.label))
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            raise FieldError(_l("%(label)s: the minimum is above the maximum.", label=spec.label))
    for spec in specs:
        if spec.type == DATERANGE:
            for key in (f"{spec.name}_start", f"{spec.name}_end"):
                if key in names:
                    raise FieldError(_l("%(name)s clashes with the dates of %(label)s.", name=key, label=spec.label))


def clean(specs: list[FieldSpec], raw: Mapping[str, object]) -> dict:
    """Validate a submission against ``specs`` and return its JSON-ready values.

    ``raw`` holds strings or lists of strings as a form sends them; a MultiDict (``request.form``)
    may be passed as is, its lists are read with ``getlist``. Already-cleaned data is accepted
    too, so ``clean(specs, clean(specs, raw))`` gives the same result. Keys without a spec are
    ignored. Every spec gets a key: an empty optional field is ``[]`` for choices/attachment and
    ``None`` otherwise.

    Raises FieldErrors with a message for every field that fails, not just the first.
    """
    data: dict[str, object] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            if spec.type == DATERANGE:
                value = _clean_daterange(spec, raw)
            elif spec.type in LIST_TYPES:
                value = _clean_list(spec, _list_of(raw, spec.name))
            else:
                value = _clean_scalar(spec, _one_of(raw, spec.name))
        except FieldError as error:
            errors[spec.name] = str(error)
            continue
        if value is None or value == []:
            if spec.required:
                errors[spec.name] = str(REQUIRED)
                continue
            value = [] if spec.type in LIST_TYPES else None
        data[spec.name] = value
    if errors:
        raise FieldErrors(errors, {spec.name: spec.label for spec in specs})
    return data


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, (list, tuple)) and not value)


def _one_of(raw: Mapping[str, object], name: str) -> object:
    value = raw.get(name)
    if isinstance(value, (list, tuple)):
        values = [v for v in value if not _empty(v)]
        if len(values) > 1:
            raise FieldError(_l("Give one value only."))
        return values[0] if values else None
    return value


def _list_of(raw: Mapping[str, object], name: str) -> list:
    getlist = getattr(raw, "getlist", None)
    value = getlist(name) if getlist is not None else raw.get(name)
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        value = [value]
    # Blank entries come from the hidden "" input that lets a form send "nothing chosen".
    return [str(v).strip() for v in value if not _empty(v)]


def _clean_scalar(spec: FieldSpec, value: object) -> object:
    if _empty(value):
        return None
    if spec.type in TEXT_MAX:
        return _clean_text(spec, value)
    if spec.type == NUMBER:
        return _clean_number(spec, value)
    if spec.type == MONEY:
        return _clean_money(spec, value)
    if spec.type == DATE:
        return _parse_date(value).isoformat()
    if spec.type == CHOICE:
        text = str(value).strip()
        if text not in spec.options:
            raise FieldError(_l("Choose one of the options."))
        return text
    if spec.type == PERSON:
        user_id = _parse_id(value)
        if user_id is None or not User.select().where((User.id == user_id) & User.is_active).exists():
            raise FieldError(_l("Choose an active colleague."))
        return user_id
    if spec.type == DEPARTMENT:
        department_id = _parse_id(value)
        if department_id is None or not Department.select().where(Department.id == department_id).exists():
            raise FieldError(_l("Choose an existing department."))
        return department_id
    raise FieldError(_l("%(label)s: unknown field type %(type)s.", label=spec.label, type=spec.type))


def _clean_text(spec: FieldSpec, value: object) -> str:
    # Browsers send textarea line breaks as \r\n; counting them twice would refuse texts that fit.
    text = str(value).replace("\r\n", "\n").strip()
    longest = int(spec.max) if spec.max is not None else TEXT_MAX[spec.type]
    if len(text) > longest:
        raise FieldError(_l("At most %(n)d characters.", n=longest))
    if spec.min is not None and len(text) < spec.min:
        raise FieldError(_l("At least %(n)d characters.", n=int(spec.min)))
    return text


def _decimal(value: object, bad: object) -> Decimal:
    """The exact decimal the person typed; ``bad`` is the message for anything else."""
    if isinstance(value, bool):
        raise FieldError(bad)
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, (int, float)):
        # repr of a float is the shortest text that reads back the same: 0.3, not 0.299999...
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        # NFKC turns full-width input from Chinese IMEs (１２３．５、￥) into ASCII.
        text = unicodedata.normalize("NFKC", str(value)).strip()
    match = NUMBER_RE.fullmatch(text)
    if not match:
        raise FieldError(bad)
    return Decimal(match["sign"] + match["int"].replace(",", "") + "." + (match["frac"] or "0"))


def _bound(value: float) -> Decimal:
    # Through str, so a bound of 0.1 means 0.1 and not the float's 0.1000000000000000055...
    return Decimal(str(value))


def _check_bounds(spec: FieldSpec, number: Decimal) -> None:
    if spec.min is not None and number < _bound(spec.min):
        raise FieldError(_l("Must be at least %(min)s.", min=_plain(_bound(spec.min))))
    if spec.max is not None and number > _bound(spec.max):
        raise FieldError(_l("Must be at most %(max)s.", max=_plain(_bound(spec.max))))


def _plain(number: Decimal) -> str:
    """1, 1.5, 1000 — never 1E+3 or 1.50."""
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _clean_number(spec: FieldSpec, value: object) -> int | float:
    number = _decimal(value, _l("Enter a number, such as 12 or 3.5."))
    if len(number.normalize().as_tuple().digits) > NUMBER_DIGITS:
        raise FieldError(_l("At most %(n)d digits.", n=NUMBER_DIGITS))
    _check_bounds(spec, number)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _clean_money(spec: FieldSpec, value: object) -> str:
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip().removeprefix("¥").strip()  # pasted from a list
        negative = value.startswith("-")
    else:
        negative = _negative(value)
    # Refused before parsing, so "-5" says why instead of "enter an amount".
    if negative:
        raise FieldError(_l("The amount cannot be negative."))
    amount = _decimal(value, _l("Enter an amount, such as 5000 or 5,000.00."))
    if amount.as_tuple().exponent < -2:
        raise FieldError(_l("At most 2 decimal places."))
    if amount >= Decimal(10) ** MONEY_DIGITS:
        raise FieldError(_l("At most %(n)d digits before the decimal point.", n=MONEY_DIGITS))
    _check_bounds(spec, amount)
    return format(amount.quantize(CENTS), "f")


def _negative(value: object) -> bool:
    try:
        return not isinstance(value, bool) and Decimal(str(value)) < 0
    except InvalidOperation:
        return False


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):  # a datetime is a date too; its time would be dropped silently
        raise FieldError(_l("Enter a date as YYYY-MM-DD."))
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    # fromisoformat alone also takes 20261101 and week dates; only the form's own format is meant.
    if not DATE_RE.fullmatch(text):
        raise FieldError(_l("Enter a date as YYYY-MM-DD."))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(_l("Enter a date as YYYY-MM-DD.")) from None


def _parse_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _clean_daterange(spec: FieldSpec, raw: Mapping[str, object]) -> list[str] | None:
    pair = raw.get(spec.name)
    if isinstance(pair, (list, tuple)) and all(_empty(v) for v in pair):
        pair = None
    if not _empty(pair):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise FieldError(_l("Give both the start and the end date."))
        start, end = pair
    else:
        start, end = _one_of(raw, f"{spec.name}_start"), _one_of(raw, f"{spec.name}_end")
    if _empty(start) and _empty(end):
        return None
    if _empty(start) or _empty(end):
        raise FieldError(_l("Give both the start and the end date."))
    first, last = _parse_date(start), _parse_date(end)
    if last < first:
        raise FieldError(_l("The end date cannot be before the start date."))
    return [first.isoformat(), last.isoformat()]


def _clean_list(spec: FieldSpec, values: list[str]) -> list[str]:
    if spec.type == CHOICES:
        if any(v not in spec.options for v in values):
            raise FieldError(_l("Choose only from the options."))
        # In the options' order, once each, so the same choice is always stored the same way.
        return [option for option in spec.options if option in values]
    return values


def spec_named(specs: Iterable[FieldSpec], name: str) -> FieldSpec:
    """Raises KeyError for a name no spec has: a route condition on a removed field is a setup error."""
    for spec in specs:
        if spec.name == name:
            return spec
    raise KeyError(name)


def value_of(specs: Iterable[FieldSpec], data: Mapping[str, object], name: str) -> object:
    """The cleaned value of ``name`` in a form comparable by route conditions.

    number/money → Decimal, date → date, daterange → (start, end) dates, choice → str,
    choices → list, person/department → int id; text and attachment as stored.
    An empty or missing value is None (an empty list for choices/attachment).
    Raises KeyError when no spec has that name.
    """
    spec = spec_named(specs, name)
    value = data.get(name)
    if _empty(value):
        return [] if spec.type in LIST_TYPES else None
    if spec.type in (NUMBER, MONEY):
        # Through str: a stored 0.1 float compares as 0.1, the way it was typed.
        return Decimal(str(value))
    if spec.type == DATE:
        return dt.date.fromisoformat(str(value))
    if spec.type == DATERANGE:
        start, end = value
        return dt.date.fromisoformat(str(start)), dt.date.fromisoformat(str(end))
    if spec.type in LIST_TYPES:
        return list(value)
    return value


def display(spec: FieldSpec, value: object, names: Mapping[int, str] | None = None) -> str:
    """A cleaned value as text for lists and history: "¥5,000.00", "2026-11-01 至 2026-11-03".

    ``names`` maps person/department ids to names; without it (or for an id it lacks) "#<id>" is
    shown. An empty value is "".
    """
    if _empty(value):
        return ""
    if spec.type == MONEY:
        return f"¥{Decimal(str(value)):,.2f}"
    if spec.type == NUMBER:
        return _plain(Decimal(str(value)))
    if spec.type == DATERANGE:
        start, end = value
        return str(_l("%(start)s to %(end)s", start=start, end=end))
    if spec.type in (PERSON, DEPARTMENT):
        key = _parse_id(value)
        return (names or {}).get(key, f"#{value}")
    if spec.type in LIST_TYPES:
        return "、".join(str(v) for v in value)
    return str(value)


def days_between(start: dt.date | str, end: dt.date | str) -> int:
    """Calendar days from ``start`` to ``end``, both included: 11-01 to 11-03 is 3 (请假 days).

    Raises FieldError when ``end`` is before ``start``.
    """
    first, last = _parse_date(start), _parse_date(end)
    if last < first:
        raise FieldError(_l("The end date cannot be before the start date."))
    return (last - first).days + 1
