"""Administrator forms for the directory; choices are filled in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField

from planner.directory.models import NAME_MAX, JoinPolicy
from planner.forms import Form, Optional, length, required, sensible_year, strip


class NameForm(Form):
    name = StringField(_l("Name"), filters=[strip], validators=[required(), length(NAME_MAX)])
    submit = SubmitField(_l("Save"))


class DistrictForm(NameForm):
    pass


class StreetForm(NameForm):
    district_id = SelectField(_l("District"), coerce=int, validators=[required()])


class CommunityForm(NameForm):
    street_id = SelectField(_l("Street"), coerce=int, validators=[required()])
    address = StringField(_l("Address"), filters=[strip], validators=[Optional(), length(200)])
    convention = TextAreaField(
        _l("Civilisation convention"),
        filters=[strip],
        validators=[Optional(), length(4000)],
        description=_l("One item a line, in order."),
        render_kw={"rows": 5},
    )


class DepartmentForm(NameForm):
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), length(2000)]
    )


class PartnerForm(DepartmentForm):
    pass


class PartnershipForm(Form):
    department_id = SelectField(_l("Department"), coerce=int, validators=[required()])
    community_id = SelectField(_l("Community"), coerce=int, validators=[required()])
    since = DateField(_l("Partners since"), validators=[Optional(), sensible_year])
    note = StringField(_l("Note"), filters=[strip], validators=[Optional(), length(200)])
    submit = SubmitField(_l("Save"))


class TeamForm(NameForm):
    owner_key = SelectField(_l("Owned by"), validators=[required()])
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), length(2000)]
    )
    join_policy = SelectField(
        _l("Joining"),
        choices=[
            (JoinPolicy.APPROVAL.value, _l("A leader approves each request")),
            (JoinPolicy.OPEN.value, _l("Anyone may join at once")),
        ],
    )


class GrantForm(Form):
    organisation = SelectField(_l("Organisation"), validators=[required()])
    submit = SubmitField(_l("Grant"))


class UserSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(
        _l("Name or mobile number"), filters=[strip], validators=[Optional(), length(40)]
    )
