"""Forms for sign-ups, seats, hours and corrections; choices are filled in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from planner.events.capacity import SHIFT_CAPACITY
from planner.forms import (
    Form,
    Optional,
    finite,
    length,
    number_range,
    required,
    required_input,
    sensible_year,
    strip,
)


def quarter_hours(form, field):
    if field.data is not None and (field.data * 4) % 1 != 0:
        raise ValidationError(_l("Enter hours in quarter hours, e.g. 2.25."))


class HoursField(DecimalField):
    def __init__(self, label, **kwargs):
        super().__init__(
            label,
            places=2,
            validators=[required_input(), finite, number_range(0, 24), quarter_hours],
            render_kw={"inputmode": "decimal", "step": "0.25"},
            **kwargs,
        )


class CorrectionForm(Form):
    hours = HoursField(_l("Correct hours"))
    reason = TextAreaField(
        _l("Reason"), filters=[strip], validators=[required(), length(500)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Send request"))


class HoursForm(Form):
    hours = HoursField(_l("Hours"))
    why = StringField(_l("Why"), filters=[strip], validators=[required(), length(500)])
    submit = SubmitField(_l("Save hours"))


class DecisionForm(Form):
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), length(500)])


class CapacityForm(Form):
    capacity = IntegerField(
        _l("Places"),
        validators=[required_input(), number_range(*SHIFT_CAPACITY)],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Save"))


class SeatsForm(Form):
    party_size = IntegerField(
        _l("Party size"),
        validators=[required_input(), number_range(1, 50)],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Book seats"))


class TeamSignupForm(Form):
    team_id = SelectField(_l("Team"), coerce=int, validators=[required()])
    user_ids = SelectMultipleField(
        _l("Members"),
        coerce=int,
        validators=[required()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Sign them up"))


class CertificateRequestForm(Form):
    organisation = SelectField(_l("Issuing organisation"), validators=[required()])
    starts_on = DateField(_l("From"), validators=[required_input(), sensible_year])
    ends_on = DateField(_l("To"), validators=[required_input(), sensible_year])
    submit = SubmitField(_l("Request certificate"))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class HoursReportForm(Form):
    scope = SelectField(_l("Department or team"), validators=[required()])
    month = StringField(
        _l("Month"),
        filters=[strip],
        validators=[
            Optional(),
            Regexp(r"^20\d\d-(0[1-9]|1[0-2])$", message=_l("Enter a month as 2024-09.")),
        ],
        render_kw={"placeholder": "2024-09"},
    )
