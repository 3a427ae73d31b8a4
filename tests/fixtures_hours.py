"""Time travel for the hours tests: sign up while an event is ahead, then let it take place."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.extensions import db


@pytest.fixture
def rewind(app):
    """``rewind(event, by=timedelta(days=4))``: move an event and its shifts earlier, committed.

    ``make_event`` puts events three days ahead (sign-up is open only then); four days back means
    the event took place yesterday.
    """

    def run(event, by: timedelta = timedelta(days=4)):
        for item in (event, *event.shifts):
            item.starts_at -= by
            item.ends_at -= by
        db.session.commit()
        return event

    return run
