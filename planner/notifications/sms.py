"""SMS transports for the outbox: ``log`` (the text goes to the server log) and ``http`` (a
commercial SMS gateway, configured by ``PLANNER_SMS_*`` environment variables only).

The gateway request is a JSON POST to ``PLANNER_SMS_ENDPOINT``::

    {"phone": "+8613912345678", "sign_name": "新风", "template": "SMS_123", "params": {"code": "123456"}}

with the headers ``X-Sms-Key`` (``PLANNER_SMS_KEY``), ``X-Sms-Timestamp`` (Unix seconds),
``X-Sms-Nonce`` (random) and ``X-Sms-Signature``: the hex HMAC-SHA256, keyed with
``PLANNER_SMS_SECRET``, of ``timestamp + "\\n" + nonce + "\\n" + body``. A gateway that signs
differently needs an adapter of its own here; any answer but 2xx fails the message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.request

from flask import current_app

log = logging.getLogger("planner.notifications")
GATEWAY_TIMEOUT_SECONDS = 10


def sign(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The signature a gateway checks: HMAC-SHA256 over timestamp, nonce and body."""
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def send_log(phone: str, text: str, params: dict) -> None:
    """The demo transport: what would be sent is written to the server log."""
    log.info("SMS to %s: %s", phone, text)


def send_http(phone: str, text: str, params: dict) -> None:
    """Post the message to the configured gateway, signed; raise unless it answers 2xx."""
    config = current_app.config
    endpoint = config["PLANNER_SMS_ENDPOINT"]
    if not endpoint or not config["PLANNER_SMS_KEY"] or not config["PLANNER_SMS_SECRET"]:
        raise RuntimeError(
            "PLANNER_SMS_ENDPOINT, PLANNER_SMS_KEY and PLANNER_SMS_SECRET must be set"
        )
    body = json.dumps(
        {
            "phone": phone,
            "sign_name": config["PLANNER_SMS_SIGN_NAME"],
            "template": config["PLANNER_SMS_TEMPLATE"],
            "params": params or {"text": text},
        },
        ensure_ascii=False,
    ).encode()
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    request = urllib.request.Request(
        endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Sms-Key": config["PLANNER_SMS_KEY"],
            "X-Sms-Timestamp": timestamp,
            "X-Sms-Nonce": nonce,
            "X-Sms-Signature": sign(config["PLANNER_SMS_SECRET"], timestamp, nonce, body),
        },
    )
    with urllib.request.urlopen(request, timeout=GATEWAY_TIMEOUT_SECONDS) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise RuntimeError(f"SMS gateway answered {response.status}")


SMS_TRANSPORTS = {"log": send_log, "http": send_http}
