"""Nothing a stranger types produces a 500: the edges found from outside, then every route and form
driven with generated text, numbers and ids (Hypothesis), asserting no 5xx and, for a refused
request, no change to the database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from planner.extensions import db

ROOT = Path(__file__).resolve().parent.parent
NASTY = [
    "",
    "0",
    "-1",
    "²",
    "١٢",
    "99999999999",
    "9" * 40,
    "1e999999",
    "Infinity",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "department:99999999999",
    "team:²",
    "a\x00b",
    "\x00",
    "/x\r\nSet-Cookie: a=b",
    "//evil.example/",
    "%",
    "_",
    "\\",
    "'; DROP TABLE user; --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "長" * 300,
]


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables
        }


@pytest.fixture
def as_admin(client, auth, seeded):
    assert auth.login("13800000001", "xinfeng-demo").status_code == 302
    return client


# ---------------------------------------------------------------- the edges found from outside


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/login?next=/x%0d%0aSet-Cookie:a=b", None),
        ("POST", "/language?next=/x%0d%0aX:b", {"locale": "en"}),
        ("GET", "/events?q=a%00b", None),
        ("GET", "/verify/AB%00C", None),
        ("GET", "/live/12%0034/state", None),
        ("GET", "/calendar/me/ab%00c.ics", None),
        ("GET", "/events?host=department:%C2%B2", None),
        ("GET", "/events?host=department:99999999999", None),
        ("GET", "/quizzes/bank/export.csv?category=99999999999", None),
        ("GET", "/quizzes/bank/export.csv?category=%C2%B2", None),
        ("GET", "/events/new?campaign=%C2%B2", None),
        ("GET", "/events/new?campaign=99999999999", None),
        ("GET", "/events/99999999999", None),
        ("POST", "/register", {"phone": "13912345678", "real_name": "a\x00b", "consent": "y"}),
        ("POST", "/quizzes/new", {"title": "x", "opens_at": "0001-01-01T00:00"}),
    ],
)
def test_the_inputs_that_answered_500_now_get_a_clear_answer(as_admin, method, path, data):
    before = _row_counts()
    response = as_admin.open(path, method=method, data=data)
    assert response.status_code < 500
    assert _row_counts() == before


def test_a_control_character_is_refused_with_a_translated_page(client):
    response = client.get("/events?q=%00")
    assert response.status_code == 400
    assert "控制字符" in response.get_data(as_text=True)


@pytest.mark.parametrize("hours", ["Infinity", "NaN", "1e999999", "-0.25", "²"])
def test_hours_that_are_no_number_are_refused_next_to_the_field(as_admin, hours):
    from planner.signups.models import Signup

    signup_id = db.session.scalar(sa.select(Signup.id).order_by(Signup.id))
    before = _row_counts()
    response = as_admin.post(f"/signups/{signup_id}/hours", data={"hours": hours, "why": "x"})
    assert response.status_code == 200
    assert _row_counts() == before


# ---------------------------------------------------------------- every route, generated input


def _form_field_names() -> list[str]:
    """Every field name of every form in the app."""
    from planner import forms

    names: set[str] = set()
    pending = [forms.Form]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, UnboundField))
    return sorted(names)


def _query_names() -> list[str]:
    """Every query or form parameter the views read by name."""
    pattern = re.compile(r"request\.(?:args|form|values)\.get(?:list)?\(\s*\"([a-z_]+)\"")
    names = set()
    for path in (ROOT / "planner").rglob("*.py"):
        names.update(pattern.findall(path.read_text()))
    return sorted(names | {"page", "lang", "next", "kind", "format"})


# Routes that end the session the fuzzing runs in (they are tested on their own).
ENDS_THE_SESSION = ("logout", "delete_account", "password")


def _routes(app, method: str) -> list:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if method in r.methods
            and r.endpoint != "static"
            and not any(word in r.endpoint for word in ENDS_THE_SESSION)
        ),
        key=lambda r: r.rule,
    )


values = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**63), max_value=2**64).map(str),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
)
path_values = st.one_of(
    st.integers(min_value=0, max_value=2**40),
    st.sampled_from(["1", "2", "3", "x", "²", "a b", "AB-2024-0001", "0" * 40]),
)


EXAMPLES_PER_ROUTE = 8


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_route_answers_5xx_and_a_refused_request_changes_nothing(app, as_admin, method):
    """Every route of the url_map, each with generated path values, query parameters and form
    fields; a refused POST (4xx) leaves every table as it was."""
    params = _query_names() + (_form_field_names() if method == "POST" else [])
    sent = []

    def drive_one(rule):
        @settings(
            max_examples=EXAMPLES_PER_ROUTE,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            path=st.lists(path_values, max_size=3),
            fields=st.dictionaries(st.sampled_from(params), values, max_size=6),
        )
        def drive(path, fields):
            url = _url(rule, path)
            if url is None:
                return
            before = _row_counts() if method == "POST" else None
            if method == "GET":
                response = as_admin.get(url, query_string=fields)
            else:
                response = as_admin.post(url, data=fields)
            sent.append(url)
            assert response.status_code < 500, (method, url, fields)
            if method == "POST" and response.status_code >= 400:
                assert _row_counts() == before, (url, fields)

        drive()

    rules = _routes(app, method)
    for rule in rules:
        drive_one(rule)
    print(f"{method}: {len(sent)} requests over {len(rules)} routes")
    assert len({url.split("?")[0] for url in sent}) >= len(rules) // 2


def _url(rule, path: list) -> str | None:
    """The rule's URL with the generated path values (an id where the rule takes a number)."""
    arguments = {}
    # Only the rule's path variables (a rule's defaults are arguments too, without a converter).
    for i, name in enumerate(sorted(rule._converters)):
        raw = path[i] if i < len(path) else 1
        converter = rule._converters[name]
        if hasattr(converter, "items"):  # <any(a,b):name>: one of its values
            raw = sorted(converter.items)[i % len(converter.items)]
        elif type(converter).__name__ in ("IdConverter", "IntegerConverter"):
            raw = raw if isinstance(raw, int) else 1
        arguments[name] = raw
    try:
        return rule.build(arguments, append_unknown=False)[1]
    except Exception:  # a value the converter cannot write into this rule
        return None
