"""Forms for organisers' event and campaign pages and the public filter; views fill in choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange

from planner.events import validation
from planner.events.capacity import SEATS_CAPACITY, SHIFT_CAPACITY
from planner.events.kinds import kind_choices
from planner.events.models import CampaignStatus, HostRole
from planner.events.series import Frequency
from planner.events.services import EventDetails
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

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


def _datetime(label):
    return DateTimeLocalField(
        label,
        format=DATETIME_FORMAT,
        validators=[required_input(), sensible_year],
        render_kw={"step": 300},
    )


class EventForm(Form):
    title = StringField(
        _l("Title"), filters=[strip], validators=[required(), length(validation.TITLE_MAX)]
    )
    kind = SelectField(_l("Kind"), choices=kind_choices(), validators=[required()])
    host = SelectField(
        _l("Host"),
        validators=[required()],
        description=_l("The organisation you plan it for; add co-hosts afterwards."),
    )
    starts_at = _datetime(_l("Starts"))
    ends_at = _datetime(_l("Ends"))
    community_id = SelectField(_l("Community"), coerce=_optional_int, validators=[Optional()])
    venue = StringField(
        _l("Venue"), filters=[strip], validators=[Optional(), length(validation.PLACE_MAX)]
    )
    address = StringField(
        _l("Address"), filters=[strip], validators=[Optional(), length(validation.PLACE_MAX)]
    )
    latitude = FloatField(
        _l("Latitude"),
        validators=[
            Optional(),
            finite,
            NumberRange(-90, 90, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    longitude = FloatField(
        _l("Longitude"),
        validators=[
            Optional(),
            finite,
            NumberRange(-180, 180, _l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    campaign_id = SelectField(_l("Campaign"), coerce=_optional_int, validators=[Optional()])
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[Optional(), length(validation.DESCRIPTION_MAX)],
        description=_l("Plain text; line breaks are kept."),
        render_kw={"rows": 5},
    )
    seats_capacity = IntegerField(
        _l("Audience seats"),
        validators=[Optional(), number_range(*SEATS_CAPACITY)],
        description=_l("Leave empty when residents do not reserve seats."),
        render_kw={"inputmode": "numeric"},
    )
    max_party_size = IntegerField(
        _l("Largest party"),
        default=4,
        validators=[required_input(), number_range(*validation.PARTY_SIZE)],
        render_kw={"inputmode": "numeric"},
    )
    scope = RadioField(
        _l("Apply to"),
        choices=[
            ("one", _l("This occurrence only")),
            ("following", _l("This and the following occurrences")),
        ],
        default="one",
    )
    submit = SubmitField(_l("Save"))

    def details(self) -> EventDetails:
        from planner.events.models import EventKind
        from planner.timeutil import from_local

        return EventDetails(
            title=self.title.data,
            kind=EventKind(self.kind.data),
            starts_at=from_local(self.starts_at.data),
            ends_at=from_local(self.ends_at.data),
            campaign_id=self.campaign_id.data,
            community_id=self.community_id.data,
            venue=self.venue.data or "",
            address=self.address.data or "",
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            description=self.description.data or "",
            seats_capacity=self.seats_capacity.data,
            max_party_size=self.max_party_size.data,
        )


class CancelForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[required(), length(validation.REASON_MAX)],
        description=_l("Everyone signed up receives it."),
        render_kw={"rows": 3},
    )
    scope = RadioField(
        _l("Apply to"),
        choices=[
            ("one", _l("This occurrence only")),
            ("following", _l("This and the following occurrences")),
        ],
        default="one",
    )
    submit = SubmitField(_l("Cancel the event"))


class HostForm(Form):
    organisation = SelectField(_l("Organisation"), validators=[required()])
    role = SelectField(
        _l("Role"),
        choices=[(HostRole.COHOST.value, _l("Co-host")), (HostRole.HOST.value, _l("Host"))],
        default=HostRole.COHOST.value,
    )
    submit = SubmitField(_l("Add co-host"))


class ProgrammeItemForm(Form):
    title = StringField(
        _l("Item"), filters=[strip], validators=[required(), length(validation.TITLE_MAX)]
    )
    performer_team_id = SelectField(
        _l("Performing team"), coerce=_optional_int, validators=[Optional()]
    )
    performer_text = StringField(
        _l("Or performers"), filters=[strip], validators=[Optional(), length(120)]
    )
    duration_minutes = IntegerField(
        _l("Minutes"),
        validators=[Optional(), number_range(1, 600)],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Add to the programme"))


class ShiftForm(Form):
    role = StringField(
        _l("Shift"), filters=[strip], validators=[required(), length(validation.ROLE_MAX)]
    )
    starts_at = _datetime(_l("Starts"))
    ends_at = _datetime(_l("Ends"))
    capacity = IntegerField(
        _l("Volunteers needed"),
        validators=[required_input(), number_range(*SHIFT_CAPACITY)],
        render_kw={"inputmode": "numeric"},
    )
    requirements = StringField(
        _l("Requirements"),
        filters=[strip],
        validators=[Optional(), length(validation.REQUIREMENTS_MAX)],
    )
    submit = SubmitField(_l("Save shift"))


class SeriesForm(Form):
    frequency = RadioField(
        _l("Repeat"),
        choices=[
            (Frequency.WEEKLY, _l("Every week")),
            (Frequency.FORTNIGHTLY, _l("Every two weeks")),
            (Frequency.MONTHLY, _l("Every month")),
        ],
        default=Frequency.WEEKLY,
        validators=[required()],
    )
    until = DateField(_l("Until"), validators=[required_input(), sensible_year])
    submit = SubmitField(_l("Create the series"))


class CampaignForm(Form):
    name = StringField(_l("Name"), filters=[strip], validators=[required(), length(120)])
    slogan = StringField(_l("Slogan"), filters=[strip], validators=[Optional(), length(200)])
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[Optional(), length(validation.DESCRIPTION_MAX)],
        render_kw={"rows": 4},
    )
    starts_on = DateField(_l("First day"), validators=[required_input(), sensible_year])
    ends_on = DateField(_l("Last day"), validators=[required_input(), sensible_year])
    lead_department_ids = SelectMultipleField(
        _l("Lead departments"), coerce=int, validators=[required()], render_kw={"size": 6}
    )
    status = SelectField(
        _l("Status"),
        choices=[
            (CampaignStatus.ACTIVE.value, _l("Active")),
            (CampaignStatus.DRAFT.value, _l("Draft")),
            (CampaignStatus.CLOSED.value, _l("Closed")),
        ],
    )
    submit = SubmitField(_l("Save"))


WHEN_CHOICES = [
    ("", _l("Any date")),
    ("today", _l("Today")),
    ("weekend", _l("This weekend")),
    ("week", _l("This week")),
    ("range", _l("Dates…")),
]


class EventFilterForm(Form):
    """The public listing's filters: read from the query string, never trusted."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[Optional(), length(60)])
    district = SelectField(_l("District"), coerce=_optional_int, validators=[Optional()])
    street = SelectField(_l("Street"), coerce=_optional_int, validators=[Optional()])
    community = SelectField(_l("Community"), coerce=_optional_int, validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    campaign = SelectField(_l("Campaign"), coerce=_optional_int, validators=[Optional()])
    host = SelectField(_l("Host"), validators=[Optional()])
    when = SelectField(_l("When"), choices=WHEN_CHOICES, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional(), sensible_year])
    date_to = DateField(_l("To"), validators=[Optional(), sensible_year])
    past = SelectField(
        _l("Show"), choices=[("", _l("Upcoming")), ("1", _l("Past"))], validators=[Optional()]
    )
