"""WTForms of the approval form editor (views/form_editor.py): the approval form's settings,
one row per field (FieldSpec) and one per route step (StepSpec), and the row buttons (add,
remove, move) that re-render the form without saving.

Rows are WTForms FieldLists, so their inputs are ``field_rows-<i>-label``, ``step_rows-<i>-kind``...
and a row button is a submit button named ``remove_field-<i>``, ``up_step-<i>`` and so on.
Rule messages (fields.check_specs, routing.check_route) are placed on the row they concern, in
the row form's ``form_errors``. Imports the approvals rules and people forms; never views.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from office.approvals.fields import (
    ATTACHMENT,
    CHOICE,
    CHOICES,
    DATE,
    DATERANGE,
    DEPARTMENT,
    MONEY,
    NAME_MAX,
    NUMBER,
    PERSON,
    TEXT,
    TEXTAREA,
    FieldError,
    FieldSpec,
    check_specs,
)
from office.approvals.form_editor import KEY_MAX, Draft, same_reading
from office.approvals.routing import (
    DEPARTMENT_HEAD,
    DIRECTORS,
    FREE,
    INITIATOR_HEAD,
    ROLE,
    USERS,
    Condition,
    RouteError,
    StepSpec,
    check_route,
)
from office.forms import Form
from office.models.approvals import FREE_APPROVERS, FREE_INITIATOR, FREE_NONE, MODE_ALL, MODE_ANY, ApprovalTemplate
from office.models.people import ROLE_DIRECTOR
from office.people.forms import ROLE_LABELS

MAX_FIELDS = 40
MAX_STEPS = 20
CHOICE_TYPES = (CHOICE, CHOICES)
BOUNDED_TYPES = (TEXT, TEXTAREA, NUMBER, MONEY)  # min/max: lengths for texts, values for numbers

TYPE_LABELS = {
    TEXT: _l("Short text"), TEXTAREA: _l("Long text"), NUMBER: _l("Number"), MONEY: _l("Amount (yuan)"),
    DATE: _l("Date"), DATERANGE: _l("Date range"), CHOICE: _l("Single choice"), CHOICES: _l("Multiple choice"),
    PERSON: _l("Colleague"), DEPARTMENT: _l("Department"), ATTACHMENT: _l("Attachment"),
}
KIND_LABELS = {
    USERS: _l("Named people"), ROLE: _l("Everyone with a role"), INITIATOR_HEAD: _l("The initiator's department head"),
    DEPARTMENT_HEAD: _l("The head of a department"), DIRECTORS: _l("Directors"), FREE: _l("Chosen by the initiator"),
}
MODE_LABELS = {MODE_ALL: _l("All must approve"), MODE_ANY: _l("Any one approves")}
OPERATOR_LABELS = {">": _l("is more than"), ">=": _l("is at least"), "<": _l("is less than"),
                   "<=": _l("is at most"), "==": _l("is"), "!=": _l("is not")}
FREE_LABELS = {
    FREE_NONE: _l("Nobody: the route is fixed"),
    FREE_INITIATOR: _l("The initiator, for steps “chosen by the initiator”"),
    FREE_APPROVERS: _l("Each approver may pass the request on to someone they choose"),
}

# A row button: add_field, remove_field-3, up_step-2, down_step-0 ...
ACTION_RE = re.compile(r"(add|remove|up|down)_(field|step)(?:-([0-9]{1,3}))?")
BLANK_FIELD = {"label": "", "name": "", "type": TEXT, "required": False, "options": "", "min": "", "max": "",
               "help": "", "was": ""}
BLANK_STEP = {"name": "", "kind": INITIATOR_HEAD, "users": [], "role": ROLE_DIRECTOR, "department": 0,
              "mode": MODE_ALL, "cond_field": "", "cond_op": ">", "cond_value": ""}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def parse_number(text) -> int | float | None:
    """A bound as typed ("500", "0.5", full-width digits too); None when blank.

    Raises ValueError for anything else."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or abs(number) >= 10 ** 15:  # beyond what a float holds exactly
        raise ValueError(text)
    return int(number) if number == number.to_integral_value() else float(number)


def _plain(number) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _is_number(form, field) -> None:
    if form.type.data not in BOUNDED_TYPES:  # ignored (and hidden) for the other types
        return
    try:
        parse_number(field.data)
    except ValueError:
        raise ValidationError(_l("Enter a number, such as 12 or 3.5.")) from None


class RowForm(Form):
    class Meta:
        csrf = False  # a row is part of the template form, which carries the token


class FieldRowForm(RowForm):
    label = StringField(_l("Label"), validators=[Length(max=60)])
    name = StringField(_l("Name in the data"), validators=[Length(max=NAME_MAX)],
                       render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
    type = SelectField(_l("Type"), choices=_choices(TYPE_LABELS))
    required = BooleanField(_l("Required"))
    options = TextAreaField(_l("Options, one per line"), render_kw={"rows": 3})
    min = StringField(_l("Minimum"), validators=[_is_number], render_kw={"inputmode": "decimal", "autocomplete": "off"})
    max = StringField(_l("Maximum"), validators=[_is_number], render_kw={"inputmode": "decimal", "autocomplete": "off"})
    help = StringField(_l("Help text"), validators=[Length(max=200)])
    # The name the field had when the editor opened: ties a renamed row to what filed requests hold.
    was = HiddenField()


class StepRowForm(RowForm):
    name = StringField(_l("Step name"), validators=[Length(max=60)])
    kind = SelectField(_l("Approvers"), choices=_choices(KIND_LABELS))
    users = SelectMultipleField(_l("People"), coerce=int, render_kw={"size": 4})
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS))
    department = SelectField(_l("Department"), coerce=int)
    mode = SelectField(_l("When several approve"), choices=_choices(MODE_LABELS))
    cond_field = SelectField(_l("Only when"), validate_choice=False)
    cond_op = SelectField(_l("Comparison"), choices=_choices(OPERATOR_LABELS))
    cond_value = StringField(_l("Value"), validators=[Length(max=60)], render_kw={"autocomplete": "off"})


class TemplateForm(Form):
    name = StringField(_l("Form name"), validators=[DataRequired(), Length(max=60)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])
    time_limit_hours = IntegerField(_l("Time limit (hours)"), default=24,
                                    validators=[DataRequired(), NumberRange(min=1, max=720)],
                                    render_kw={"inputmode": "numeric"})
    free_routing = SelectField(_l("Who may choose approvers"), choices=_choices(FREE_LABELS), default=FREE_NONE)
    field_rows = FieldList(FormField(FieldRowForm), max_entries=MAX_FIELDS)
    step_rows = FieldList(FormField(StepRowForm), max_entries=MAX_STEPS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.route_errors: list[str] = []  # about the route as a whole ("needs at least one step")


class NewTemplateForm(TemplateForm):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=KEY_MAX)],
                      render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})


# ---------------------------------------------------------------------------------------------
# Between templates, form data and specs.

def form_data(template: ApprovalTemplate, specs: list[FieldSpec], steps: list[StepSpec]) -> dict:
    """A saved template as the editor's data (``TemplateForm(formdata=None, data=...)``)."""
    return {
        "name": template.name, "description": template.description,
        "time_limit_hours": template.time_limit_hours, "free_routing": template.free_routing,
        "field_rows": [{"label": s.label, "name": s.name, "type": s.type, "required": s.required,
                        "options": "\n".join(s.options), "min": _plain(s.min), "max": _plain(s.max), "help": s.help,
                        "was": s.name} for s in specs],
        "step_rows": [{"name": s.name, "kind": s.kind, "users": list(s.users), "role": s.role or ROLE_DIRECTOR,
                       "department": s.department or 0, "mode": s.mode,
                       "cond_field": s.condition.field if s.condition else "",
                       "cond_op": s.condition.op if s.condition else ">",
                       "cond_value": s.condition.value if s.condition else ""} for s in steps],
    }


def _text(value) -> str:
    return str(value or "").strip()


def spec_of(row: dict) -> FieldSpec:
    """One field row as a FieldSpec; options and bounds only where the type uses them."""
    kind = row.get("type") or TEXT
    bounds = []
    for key in ("min", "max"):
        try:
            bounds.append(parse_number(row.get(key)) if kind in BOUNDED_TYPES else None)
        except ValueError:  # already refused by the row's validator
            bounds.append(None)
    options = [line.strip() for line in str(row.get("options") or "").splitlines() if line.strip()]
    return FieldSpec(name=_text(row.get("name")), label=_text(row.get("label")), type=kind,
                     required=bool(row.get("required")), options=options if kind in CHOICE_TYPES else [],
                     min=bounds[0], max=bounds[1], help=_text(row.get("help")))


def step_of(row: dict) -> StepSpec:
    """One step row as a StepSpec; people, role and department only where the kind uses them."""
    kind = row.get("kind") or INITIATOR_HEAD
    condition = None
    if row.get("cond_field"):
        condition = Condition(row["cond_field"], row.get("cond_op") or ">", _text(row.get("cond_value")))
    return StepSpec(name=_text(row.get("name")), kind=kind, mode=row.get("mode") or MODE_ALL,
                    users=[int(u) for u in row.get("users") or []] if kind == USERS else [],
                    role=(row.get("role") or "") if kind == ROLE else "",
                    department=(row.get("department") or None) if kind == DEPARTMENT_HEAD else None,
                    condition=condition)


def draft_of(form: TemplateForm) -> Draft:
    return Draft(name=_text(form.name.data), description=_text(form.description.data),
                 time_limit_hours=form.time_limit_hours.data or 24, free_routing=form.free_routing.data,
                 fields=[spec_of(row) for row in form.field_rows.data],
                 route=[step_of(row) for row in form.step_rows.data],
                 key=_text(form.key.data) if hasattr(form, "key") else "")


# ---------------------------------------------------------------------------------------------
# Row buttons.

def row_action(formdata) -> tuple[str, str, int | None] | None:
    """The row button that submitted the form: (verb, "field"|"step", row index), or None (save)."""
    for key in formdata:
        match = ACTION_RE.fullmatch(key)
        if match:
            verb, what, index = match.groups()
            return verb, what, int(index) if index is not None else None
    return None


def _position(entries, index: int | None) -> int | None:
    """The place in the list of the row whose inputs are numbered ``index``."""
    for position, entry in enumerate(entries):
        if entry.name.rsplit("-", 1)[-1] == str(index):
            return position
    return None


def apply_action(form: TemplateForm, action: tuple[str, str, int | None], locked: set[str]) -> tuple[dict | None, str]:
    """The form's data with the row added, removed or moved, and the id of the control to focus
    when the form is drawn again from them. A row of a ``locked`` field (held by filed requests)
    is not removed: its row gets the reason, and the data are None (draw ``form`` as posted)."""
    verb, what, index = action
    data = {key: value for key, value in form.data.items() if key != "csrf_token"}
    if what == "field":
        key, blank, limit = "field_rows", BLANK_FIELD, MAX_FIELDS
    else:
        key, blank, limit = "step_rows", BLANK_STEP, MAX_STEPS
    rows, entries = data[key], getattr(form, key).entries
    if verb == "add":
        if len(rows) < limit:
            rows.append(dict(blank))
        return data, f"{key}-{len(rows) - 1}-{'label' if what == 'field' else 'name'}"
    at = _position(entries, index)
    if at is None:
        return data, f"add-{what}"
    if verb == "remove":
        if what == "field" and rows[at].get("was") in locked:
            entries[at].form.form_errors.append(str(_l("Filed requests hold this field, so it cannot be removed.")))
            return None, ""
        rows.pop(at)
        return data, f"add-{what}"
    to = at - 1 if verb == "up" else at + 1
    if 0 <= to < len(rows):
        rows[at], rows[to] = rows[to], rows[at]
        at = to
    return data, f"{key}-{at}-{verb}"


# ---------------------------------------------------------------------------------------------
# Choices that depend on the data, and errors placed on rows.

def prepare(form: TemplateForm, people: list[tuple[str, list[tuple[int, str]]]], departments: list[tuple[int, str]],
            saved_types: dict[str, str], locked: set[str], extra_people: dict[int, str] | None = None) -> None:
    """Set the choices that depend on the company and on the rows: people grouped by department
    (``extra_people``: people no longer active who a step still names), departments, the fields
    a condition may test; rows of ``locked`` fields may change type only where values read the same."""
    person_choices = [SelectChoice(pid, name, optgroup=group) for group, members in people for pid, name in members]
    person_choices += [SelectChoice(pid, name) for pid, name in (extra_people or {}).items()]
    department_choices = [SelectChoice(0, _l("Choose a department…"))] + [SelectChoice(i, n) for i, n in departments]
    named = [(row.form.name.data or "").strip() for row in form.field_rows]
    labels = {name: (row.form.label.data or "").strip() or name for name, row in zip(named, form.field_rows) if name}
    for row in form.field_rows:
        was = row.form.was.data
        if was in locked and was in saved_types:
            row.form.type.choices = [c for c in _choices(TYPE_LABELS) if same_reading(saved_types[was], c.value)]
    for row in form.step_rows:
        row.form.users.choices = person_choices
        row.form.department.choices = department_choices
        current = row.form.cond_field.data or ""
        options = [SelectChoice("", _l("Always"))] + [SelectChoice(name, f"{label} ({name})")
                                                      for name, label in labels.items()]
        if current and current not in labels:
            options.append(SelectChoice(current, _l("%(name)s (no such field)", name=current)))
        row.form.cond_field.choices = options


def check_rows(form: TemplateForm, show: bool = True) -> tuple[bool, list[FieldSpec]]:
    """Run check_specs and check_route row by row, so each message lands on its row (unless
    ``show`` is false: a row just added is not wrong yet); returns whether every row passed and
    the field specs that did (for the preview)."""
    problems: list[tuple[list[str], str]] = []
    passed: list[FieldSpec] = []
    specs = [spec_of(row.data) for row in form.field_rows]
    for row, spec in zip(form.field_rows, specs):
        try:
            check_specs([spec])
            check_specs(passed + [spec])  # a name used twice, or clashing with a date range's keys
        except FieldError as error:
            problems.append((row.form.form_errors, str(error)))
        else:
            passed.append(spec)
    if not form.step_rows.entries:
        try:
            check_route([], specs)
        except RouteError as error:
            problems.append((form.route_errors, str(error)))
    for row in form.step_rows:
        try:
            check_route([step_of(row.data)], specs)
        except RouteError as error:
            problems.append((row.form.form_errors, str(error)))
    if show:
        for errors, message in problems:
            errors.append(message)
    return not problems, passed


def place_error(form: TemplateForm, field: str | None, message: str) -> None:
    """A refusal from form_editor.save: on the key, the free routing choice, the row of the
    field it names, or the form as a whole."""
    if field in ("key", "free_routing") and hasattr(form, field):
        getattr(form, field).errors = [*getattr(form, field).errors, message]
        return
    for row in form.field_rows:
        if field and field in (row.form.was.data, (row.form.name.data or "").strip()):
            row.form.form_errors.append(message)
            return
    form.form_errors.append(message)

