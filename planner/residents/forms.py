"""Forms for making a resident's account and acting for them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField

from planner.forms import Form, Optional, length, required, strip


class ResidentForm(Form):
    community = SelectField(_l("Community"), coerce=int, validators=[required()])
    real_name = StringField(
        _l("Real name"),
        filters=[strip],
        validators=[required(), length(40)],
        description=_l("As on the resident's ID card: service records and certificates carry it."),
    )
    contact_phone = StringField(
        _l("Contact number (optional)"),
        filters=[strip],
        validators=[Optional(), length(30)],
        description=_l(
            "A landline, or a family member's mobile. With a mobile of the resident's own, they can later take the account over."
        ),
        render_kw={"inputmode": "tel"},
    )
    contact_consent = StringField(
        _l("Whose number, and their consent"),
        filters=[strip],
        validators=[Optional(), length(200)],
        description=_l("E.g. “daughter 王芳, agreed on 30 Nov by phone”."),
    )
    consent = BooleanField(
        _l(
            "The resident agreed that their name and number are kept for volunteer service records."
        ),
        validators=[required()],
    )
    submit = SubmitField(_l("Make the account"))


class ResidentSignupForm(Form):
    shift = SelectField(_l("Shift"), coerce=int, validators=[required()])
    submit = SubmitField(_l("Sign up"))
