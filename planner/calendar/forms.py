"""The personal calendar's settings form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField

from planner.forms import Form


class ReminderForm(Form):
    remind_day_before = BooleanField(_l("Remind me the day before each event"))
    submit = SubmitField(_l("Save"))
