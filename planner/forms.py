"""Validators with translated messages, shared by every feature's forms."""

from __future__ import annotations

import math
from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

__all__ = ["Form", "Optional", "length", "number_range", "required", "required_input", "strip"]


@lru_cache(maxsize=4)
def _wtforms_translations(language: str):
    return support.Translations.load(messages_path(), [language], domain="wtforms")


class Form(FlaskForm):
    """Every form's base: WTForms' own messages follow the page's language."""

    class Meta:
        def get_translations(self, form):
            locale = get_locale()
            return _wtforms_translations("zh" if locale and locale.language == "zh" else "en")


def required():
    return DataRequired(message=_l("This field is required."))


def required_input():
    return InputRequired(message=_l("This field is required."))


def length(max: int, min: int = -1):  # noqa: A002 - mirrors WTForms
    if min > 0:
        return Length(min=min, max=max, message=_l("Enter between %(min)d and %(max)d characters."))
    return Length(max=max, message=_l("Enter at most %(max)d characters."))


def number_range(min: int, max: int):  # noqa: A002
    return NumberRange(min=min, max=max, message=_l("Enter a number from %(min)s to %(max)s."))


def strip(value):
    """A filter that trims surrounding white space (full-width spaces included)."""
    return value.strip().strip("\u3000").strip() if isinstance(value, str) else value


def sensible_year(form, field):
    """Refuse far-off years, which nothing here has (and which time-zone arithmetic cannot take):
    every date and time field uses it."""
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))


def finite(form, field):
    """Refuse Infinity and NaN, which number fields otherwise accept: every number field uses it.
    It stops the field's other checks, which cannot compute with them."""
    if field.data is not None and not math.isfinite(field.data):
        raise StopValidation(_l("Enter a number."))
