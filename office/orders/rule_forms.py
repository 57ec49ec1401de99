"""The routing rule form (/orders/rules). Choices are filled by the view before validate."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from office.forms import Form

# The form's words for RoutingRule.has_message (None / True / False).
MESSAGE_ANY = ""
MESSAGE_YES = "yes"
MESSAGE_NO = "no"


class RuleForm(Form):
    name = StringField(_l("Rule name"), validators=[DataRequired(), Length(max=60)])
    has_message = SelectField(_l("Buyer message"), choices=[
        SelectChoice(MESSAGE_ANY, _l("Any")),
        SelectChoice(MESSAGE_YES, _l("Buyer message present")),
        SelectChoice(MESSAGE_NO, _l("No buyer message")),
    ])
    min_amount = DecimalField(_l("Paid amount over (¥)"), places=2,
                              validators=[Optional(), NumberRange(min=0)])
    shop = SelectField(_l("Shop"), coerce=int)
    platform = SelectField(_l("Platform"))
    sku_code = StringField(_l("Contains SKU (商家编码)"), validators=[Length(max=64)])
    queue = SelectField(_l("Send to queue"))
    is_active = BooleanField(_l("Rule in use"), default=True)

    def has_message_value(self) -> bool | None:
        return {MESSAGE_YES: True, MESSAGE_NO: False}.get(self.has_message.data)

    def load(self, rule) -> None:
        """Fill the fields from a saved rule (GET of the edit form)."""
        self.name.data = rule.name
        self.has_message.data = {True: MESSAGE_YES, False: MESSAGE_NO}.get(rule.has_message, MESSAGE_ANY)
        self.min_amount.data = rule.min_amount
        self.shop.data = rule.shop_id or 0
        self.platform.data = rule.platform
        self.sku_code.data = rule.sku_code
        self.queue.data = rule.queue
        self.is_active.data = rule.is_active

    def values(self) -> dict:
        """Keyword arguments for routing.create_rule / update_rule."""
        return {
            "has_message": self.has_message_value(),
            "min_amount": self.min_amount.data,
            "shop_id": self.shop.data or None,
            "platform": self.platform.data or "",
            "sku_code": self.sku_code.data or "",
            "is_active": self.is_active.data,
        }
