"""Forms for the kindness shop: earning rules, items and the counter's code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField

from planner.forms import Form, Optional, length, number_range, required, required_input, strip
from planner.points.models import ICONS, ITEM_NAME_MAX

POINTS_MAX = 100_000
STOCK_MAX = 100_000


class RuleForm(Form):
    effective_on = DateField(_l("In force from"), validators=[required()])
    per_hour = IntegerField(
        _l("Points per confirmed service hour"),
        default=10,
        validators=[required_input(), number_range(0, 1000)],
    )
    per_audience = IntegerField(
        _l("Points per event attended as audience"),
        default=0,
        validators=[required_input(), number_range(0, 1000)],
    )
    per_quiz = IntegerField(
        _l("Points per quiz passed"),
        default=0,
        validators=[required_input(), number_range(0, 1000)],
    )
    yearly_cap = IntegerField(
        _l("Yearly cap per person (empty: none)"),
        validators=[Optional(), number_range(1, POINTS_MAX)],
    )
    expiry_months = IntegerField(
        _l("Points expire after this many months (empty: never)"),
        validators=[Optional(), number_range(1, 120)],
    )
    submit = SubmitField(_l("Save the rules"))


class ItemForm(Form):
    name = StringField(_l("Goods"), filters=[strip], validators=[required(), length(ITEM_NAME_MAX)])
    icon = SelectField(_l("Icon"), choices=[(key, symbol) for key, symbol in ICONS.items()])
    price = IntegerField(
        _l("Price in points"), validators=[required_input(), number_range(1, POINTS_MAX)]
    )
    stock = IntegerField(_l("Stock"), validators=[required_input(), number_range(0, STOCK_MAX)])
    donor = SelectField(_l("Donated by"), coerce=str, validate_choice=True)
    monthly_limit = IntegerField(
        _l("Limit per person per month (empty: none)"),
        validators=[Optional(), number_range(1, 100)],
    )
    active = BooleanField(_l("On the shelf"), default=True)
    submit = SubmitField(_l("Save the item"))


class CodeForm(Form):
    code = StringField(_l("Pick-up code"), filters=[strip], validators=[required(), length(40)])
    submit = SubmitField(_l("Find"))


RULE_FIELDS = ("per_hour", "per_audience", "per_quiz", "yearly_cap", "expiry_months")


class ShopForm(Form):
    release_after_days = IntegerField(
        _l("Days to pick up a redemption before it is released"),
        validators=[required_input(), number_range(1, 90)],
    )
    submit = SubmitField(_l("Save"))
