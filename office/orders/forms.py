"""Forms of the order desk and the order page: the desk's filter (GET, no token), shipping
(courier + tracking number), resolving an exception, and an order typed in by hand. Bare
buttons use office.forms.EmptyForm."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from office.forms import Form
from office.orders.labels import PLATFORM_LABELS, QUEUE_LABELS
from office.orders.lifecycle import RESOLVE_QUEUES

# Item rows on the new-order form: enough for a hand-typed order, no script needed to add one.
ENTRY_LINES = 5


def whole_number(value) -> int:
    """A submitted number (a checked order or line id, a page cursor), 0 when it is not one."""
    try:
        return int(str(value or "").strip())
    except ValueError:
        return 0


class DeskFilterForm(Form):
    """The desk's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    queue = SelectField(_l("Queue"), validators=[Optional()])
    shop = SelectField(_l("Shop"), validators=[Optional()])
    platform = SelectField(_l("Platform"), validators=[Optional()])
    priority = BooleanField(_l("Urgent only"))
    logistics = BooleanField(_l("Logistics exceptions only"))
    mergeable = BooleanField(_l("Mergeable only"))

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


class MoneyField(DecimalField):
    """An amount in yuan with at most two decimals: NaN, Infinity and 0.001 are refused here,
    not left to the number validators (NumberRange fails on a signalling NaN)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is None:
            return
        if not self.data.is_finite() or self.data != self.data.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError(_l("Enter an amount such as 129 or 129.50."))


def _typed(field) -> bool:
    return bool(field.raw_data and str(field.raw_data[0]).strip())


class EntryLineForm(Form):
    """One item of a typed-in order; a row left empty is no item."""

    class Meta:
        csrf = False  # a row of OrderEntryForm, which carries the token

    title = StringField(_l("Item"), validators=[Optional(), Length(max=200)])
    sku_code = StringField(_l("SKU code"), validators=[Optional(), Length(max=64)])
    quantity = IntegerField(_l("Qty"), validators=[Optional(), NumberRange(min=1, max=100000)])
    unit_price = MoneyField(_l("Price"), places=2, validators=[Optional(), NumberRange(min=0, max=1000000)])

    def is_empty(self) -> bool:
        return not any(_typed(field) for field in (self.title, self.sku_code, self.quantity, self.unit_price))

    def check(self) -> bool:
        """A filled row needs a title or SKU, a quantity and a price; errors go on the row."""
        if self.is_empty():
            return True
        if not ((self.title.data or "").strip() or (self.sku_code.data or "").strip()):
            self.title.errors.append(_l("Give the item a title or a SKU code."))
        if self.quantity.data is None and not self.quantity.errors:
            self.quantity.errors.append(_l("Enter the quantity."))
        if self.unit_price.data is None and not self.unit_price.errors:
            self.unit_price.errors.append(_l("Enter the price."))
        return not (self.title.errors or self.quantity.errors or self.unit_price.errors)


class OrderEntryForm(Form):
    """新建订单: an order typed in by hand (office.orders.entry)."""

    shop = SelectField(_l("Shop"), coerce=int, validators=[DataRequired(_l("Choose the shop."))])
    order_no = StringField(_l("Order number"), validators=[Optional(), Length(max=64)])
    buyer_nick = StringField(_l("Buyer"), validators=[Optional(), Length(max=80)])
    receiver_name = StringField(_l("Receiver name"), validators=[DataRequired(_l("Enter the receiver.")),
                                                                 Length(max=80)])
    receiver_phone = StringField(_l("Receiver phone"), validators=[DataRequired(_l("Enter the receiver's phone.")),
                                                                   Length(max=40)])
    receiver_address = StringField(_l("Receiver address"), validators=[
        DataRequired(_l("Enter the delivery address.")), Length(max=300)])
    buyer_message = TextAreaField(_l("Buyer message"), validators=[Optional(), Length(max=2000)])
    seller_memo = TextAreaField(_l("Seller memo"), validators=[Optional(), Length(max=2000)])
    lines = FieldList(FormField(EntryLineForm), min_entries=ENTRY_LINES, max_entries=ENTRY_LINES)
    shipping_fee = MoneyField(_l("Shipping fee"), places=2, default=Decimal("0.00"),
                                validators=[Optional(), NumberRange(min=0, max=100000)])
    discount = MoneyField(_l("Discount"), places=2, default=Decimal("0.00"),
                            validators=[Optional(), NumberRange(min=0, max=1000000)])

    lines_problem: str | None = None  # about the items as a whole (none given), shown above them

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        rows_ok = all([row.form.check() for row in self.lines])  # every row judged, not the first bad one
        return valid and rows_ok
