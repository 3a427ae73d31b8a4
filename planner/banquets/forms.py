"""Forms for the banquet: claiming a dish, the menu plan, moving a household, leftovers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from planner.banquets.names import TAGS
from planner.forms import Form, Optional, length, number_range, required, required_input, strip


def _count(label, low: int, high: int, **kwargs) -> IntegerField:
    return IntegerField(
        label,
        validators=[required_input(), number_range(low, high)],
        render_kw={"inputmode": "numeric"},
        **kwargs,
    )


class ClaimForm(Form):
    category = SelectField(_l("Category"), coerce=int, validators=[required()])
    name = StringField(
        _l("Dish"),
        filters=[strip],
        validators=[required(), length(40)],
        render_kw={"placeholder": _l("e.g. 红烧肉")},
    )
    plates = _count(_l("Plates"), 1, 5)
    tags = SelectMultipleField(
        _l("Tags"),
        choices=list(TAGS.items()),
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Bring this dish"))


class PlanForm(Form):
    categories = TextAreaField(
        _l("Categories"),
        filters=[strip],
        validators=[required(), length(2000)],
        description=_l(
            "One a line: 名称 | English name | dishes wanted, e.g. 热菜 | Hot dishes | 12"
        ),
        render_kw={"rows": 7},
    )
    tables_planned = _count(_l("Tables"), 0, 500)
    seats_per_table = _count(_l("Seats per table"), 2, 30)
    extra_plates = _count(
        _l("No-waste guideline: plates beyond one a person, per table"),
        0,
        10,
        description=_l("1 means N + 1 plates for a table of N people."),
    )
    notes = TextAreaField(
        _l("Notes for households"),
        filters=[strip],
        validators=[Optional(), length(1000)],
        render_kw={"rows": 3, "placeholder": _l("Bring your own container; label allergens.")},
    )
    submit = SubmitField(_l("Save the menu plan"))


class MoveForm(Form):
    booking = HiddenField(validators=[required()])
    table = _count(_l("Table"), 1, 999)
    submit = SubmitField(_l("Move"))


class LeftoversForm(Form):
    leftover_plates = _count(_l("Plates that came back with food"), 0, 10000)
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), length(300)])
    submit = SubmitField(_l("Record leftovers"))
