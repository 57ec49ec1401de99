"""Forms of the order desk and the order page: the desk's filter (GET, no token), shipping
(courier + tracking number) and resolving an exception. Bare buttons use office.forms.EmptyForm."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from office.forms import Form
from office.orders.labels import PLATFORM_LABELS, QUEUE_LABELS
from office.orders.lifecycle import RESOLVE_QUEUES

class DeskFilterForm(Form):
    """The desk's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    queue = SelectField(_l("Queue"), validators=[Optional()])
    shop = SelectField(_l("Shop"), validators=[Optional()])
    platform = SelectField(_l("Platform"), validators=[Optional()])
    priority = BooleanField(_l("Urgent only"))
    logistics = BooleanField(_l("Logistics exceptions only"))

    def set_choices(self, shops) -> None:
        self.queue.choices = [("", _l("All queues"))] + [(q, label) for q, label in QUEUE_LABELS.items()]
        self.shop.choices = [("", _l("All shops"))] + [(str(s.id), s.name) for s in shops]
        self.platform.choices = [("", _l("All platforms"))] + [(p, label) for p, label in PLATFORM_LABELS.items()]


class ShipForm(Form):
    """发货: the courier and the tracking number (typed or scanned; a scanner ends with Enter).
    lifecycle.clean_tracking judges both (and guesses the courier from the number's shape),
    so the form only bounds their length."""

    courier = StringField(_l("Courier"), validators=[Optional(), Length(max=40)])
    tracking_no = StringField(_l("Tracking number"), validators=[Optional(), Length(max=60)])


class ResolveForm(Form):
    """Out of the exception queue, into a working one."""

    queue = SelectField(_l("Send to queue"), validators=[DataRequired()])

    def set_choices(self) -> None:
        self.queue.choices = [(q, QUEUE_LABELS[q]) for q in RESOLVE_QUEUES]
