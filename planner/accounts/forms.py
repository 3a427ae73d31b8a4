"""Forms for registering, logging in and editing a profile."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, ValidationError

from planner.accounts.services import (
    PASSWORD_MIN,
    InvalidPhone,
    WeakPassword,
    check_new_password,
    normalise_phone,
)
from planner.forms import Form, Optional, length, required, strip

LOCALE_CHOICES = [("zh_Hans_CN", "简体中文"), ("en", "English")]


def _valid_phone(form, field):
    try:
        field.data = normalise_phone(field.data)
    except InvalidPhone as exc:
        raise ValidationError(str(exc.message)) from exc


def _acceptable_password(form, field):
    """The one check of a new password in every form: ``form.account_phone`` is the number."""
    try:
        check_new_password(field.data or "", form.account_phone)
    except WeakPassword as exc:
        raise ValidationError(str(exc.message)) from exc


class LoginForm(Form):
    phone = StringField(
        _l("Mobile number"),
        filters=[strip],
        validators=[required(), length(30)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[required(), length(128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


def code_field():
    return StringField(
        _l("Verification code"),
        filters=[strip],
        validators=[required(), length(6)],
        description=_l("The six digits we sent to your phone by SMS."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6},
    )


class PhoneForm(Form):
    """Step 1 of every flow that proves a number: where to send the code."""

    phone = StringField(
        _l("Mobile number"),
        filters=[strip],
        validators=[required(), length(30), _valid_phone],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    submit = SubmitField(_l("Send code"))


class CodeForm(Form):
    code = code_field()
    submit = SubmitField(_l("Confirm"))


class NewPasswordForm(Form):
    """Step 2 of a forgotten password: the code, then a new password."""

    def __init__(self, *args, account_phone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_phone = account_phone

    code = code_field()
    password = PasswordField(
        _l("New password"),
        validators=[required(), length(128, min=PASSWORD_MIN), _acceptable_password],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set the new password"))


class RegisterForm(Form):
    """Step 2 of registering: the code sent to the number, then who the person is."""

    def __init__(self, *args, account_phone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_phone = account_phone
        # The label links to the notice it asks the person to agree to.
        self.consent.label.text = Markup(
            _(
                'I have read the <a href="%(url)s" target="_blank">privacy notice</a> and agree that my name and number are kept for volunteer service records.',
                url=url_for("main.privacy"),
            )
        )

    code = code_field()
    real_name = StringField(
        _l("Real name"),
        filters=[strip],
        validators=[required(), length(40)],
        description=_l("As on your ID card: service records and certificates carry it."),
        render_kw={"autocomplete": "name"},
    )
    nickname = StringField(
        _l("Nickname (optional)"), filters=[strip], validators=[Optional(), length(40)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[required(), length(128, min=PASSWORD_MIN), _acceptable_password],
        description=_l("At least 8 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[required(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that my name and number are kept for volunteer service records."
        ),
        validators=[required()],
    )
    submit = SubmitField(_l("Register"))


class TakeOverForm(RegisterForm):
    """Step 2 of taking over an account a community made: the code, the name it was made with,
    a password of one's own."""

    nickname = None
    real_name = StringField(
        _l("Real name"),
        filters=[strip],
        validators=[required(), length(40)],
        description=_l("As the community's organiser wrote it when they registered you."),
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField(_l("Take over the account"))


class ProfileForm(Form):
    real_name = StringField(_l("Real name"), filters=[strip], validators=[required(), length(40)])
    nickname = StringField(
        _l("Nickname (optional)"), filters=[strip], validators=[Optional(), length(40)]
    )
    email = EmailField(
        _l("E-mail (optional)"),
        filters=[strip],
        validators=[Optional(), length(254), Email(message=_l("Enter a valid e-mail address."))],
    )
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)
    submit = SubmitField(_l("Save"))


class PasswordForm(Form):
    def __init__(self, *args, account_phone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_phone = account_phone

    current_password = PasswordField(
        _l("Current password"),
        validators=[required(), length(128)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"),
        validators=[required(), length(128, min=PASSWORD_MIN), _acceptable_password],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))
