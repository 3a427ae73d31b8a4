"""Languages: the catalogues match the code, every Chinese message is translated, the switch works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "planner" / "translations"


def _extracted_ids(tmp_path) -> set:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def _catalogue(locale: str):
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def test_catalogues_hold_exactly_the_messages_in_the_code(tmp_path):
    in_code = _extracted_ids(tmp_path)
    for locale in ("zh_Hans_CN", "en"):
        in_catalogue = {m.id for m in _catalogue(locale) if m.id}
        missing = in_code - in_catalogue
        assert not missing, (
            f"{locale}: run `make update-translations`; missing {sorted(map(str, missing))[:10]}"
        )
        stale = in_catalogue - in_code
        assert not stale, (
            f"{locale}: run `make update-translations`; stale {sorted(map(str, stale))[:10]}"
        )


def test_every_chinese_message_is_translated_and_not_fuzzy():
    untranslated = [
        m.id
        for m in _catalogue("zh_Hans_CN")
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    ]
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"


def test_chinese_is_the_default_language(client):
    text = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in text
    assert "手机号" in text


def test_accept_language_english_gives_english(client):
    text = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert 'lang="en"' in text
    assert "Mobile number" in text


def test_the_switch_sets_a_cookie_that_wins_over_accept_language_and_returns_to_the_page(client):
    response = client.post("/language?next=/districts", data={"locale": "en"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/districts"
    text = client.get("/districts", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Districts and communities" in text


def test_the_switch_stores_a_logged_in_users_preference(client, auth, make_user, app):
    from planner.extensions import db

    user = make_user()
    auth.login(user)
    client.post("/language", data={"locale": "en"})
    db.session.refresh(user)
    assert user.locale == "en"
    client.delete_cookie("locale")
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_the_switch_refuses_to_redirect_off_site(client):
    response = client.post("/language?next=https://evil.example/", data={"locale": "en"})
    assert response.headers["Location"] == "/"


def test_an_unknown_locale_falls_back_to_the_default(client):
    client.post("/language", data={"locale": "xx"})
    assert 'lang="zh-CN"' in client.get("/").get_data(as_text=True)


def test_times_are_formatted_in_asia_shanghai(app):
    from datetime import UTC, datetime

    from flask_babel import force_locale, format_datetime

    with app.test_request_context(), force_locale("en"):
        text = format_datetime(datetime(2024, 9, 28, 11, 30, tzinfo=UTC), "HH:mm")
    assert text == "19:30"
