"""SMS codes in tests: the log transport's lines, captured, and registering through both steps."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import PASSWORD

_SMS_LINE = re.compile(r"SMS to (\+\d+): .*?(\d{6})")


class SmsLog(logging.Handler):
    """What the log transport wrote: (number, text) per SMS, in order."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())

    def texts_to(self, phone: str) -> list[str]:
        e164 = phone if phone.startswith("+") else "+86" + phone
        return [line for line in self.lines if line.startswith(f"SMS to {e164}: ")]

    def code_for(self, phone: str) -> str:
        """The last code sent to ``phone`` (11 digits or E.164)."""
        for line in reversed(self.texts_to(phone)):
            match = _SMS_LINE.match(line)
            if match:
                return match.group(2)
        raise AssertionError(f"no code was sent to {phone}: {self.lines}")


@pytest.fixture
def sms_log():
    handler = SmsLog()
    logger = logging.getLogger("planner.notifications")
    # Alembic's logging set-up, run by the migrations that built the test database, disables
    # loggers that existed before it.
    level, disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.disabled = False
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)
    logger.disabled = disabled


@pytest.fixture
def register_account(sms_log):
    """Register through /register's two steps (number → code, then code + name + password)."""

    def register(client, phone="13912345678", password=PASSWORD, code=None, **fields):
        sent = client.post("/register/code", data={"phone": phone}, **fields.pop("request", {}))
        if sent.status_code != 302:
            return sent
        data = {
            "code": code or sms_log.code_for(phone),
            "real_name": "张晓明",
            "password": password,
            "confirm": password,
            "consent": "y",
            **fields,
        }
        return client.post("/register", data=data)

    return register
