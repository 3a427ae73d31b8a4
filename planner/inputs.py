"""What strangers type, checked once at the edge: ids, numbers and text.

Every route and form reads ids with :func:`record_id` (as ``request.args.get(…, type=record_id)``
or through the ``<int:…>`` URL converter, which has the same bound), and every request passes
:func:`refuse_control_characters` before a view sees it. So a NUL byte, a superscript digit or an
id past the database's integer range is a clear 400 or 404, never a database error.
"""

from __future__ import annotations

import re
from itertools import chain

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

# PostgreSQL ``integer`` keys: the largest id any table can hold.
ID_MAX = 2**31 - 1
# ASCII digits only: "²".isdigit() is True but int("²") fails.
_DIGITS = re.compile(r"[0-9]{1,10}")
# C0 controls but tab, line feed and carriage return (which text areas send), and DEL.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# In a single-line value (a query parameter, a path segment) line breaks are controls too.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharacters(BadRequest):
    """A value holds a character no text field may hold (NUL, a bell, …)."""

    description = _l(
        "What was sent contains control characters (such as a NUL byte) that no field accepts. "
        "Please go back and type it again."
    )


def record_id(text) -> int:
    """An id as a form or a query string gives it: 1 to ID_MAX in ASCII digits, else ValueError
    (so ``request.args.get("x", type=record_id)`` answers None)."""
    text = str(text).strip()
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= ID_MAX:
        raise ValueError(f"not an id: {text!r}")
    return int(text)


def optional_id(text) -> int | None:
    """:func:`record_id`, or None for anything that is not an id."""
    try:
        return record_id(text)
    except ValueError:
        return None


def ids(values) -> list[int]:
    """The ids among ``values`` (e.g. ``request.form.getlist("option")``), others dropped."""
    return [i for i in (optional_id(v) for v in values) if i is not None]


def has_control_characters(text: str, *, single_line: bool = False) -> bool:
    return bool((_CONTROL_IN_LINE if single_line else _CONTROL).search(text))


def refuse_control_characters() -> None:
    """Before every request: a control character in the path, a query parameter or a form field
    is refused with 400 (PostgreSQL cannot store NUL; no person types the others)."""
    single_line = [
        *chain.from_iterable(request.args.listvalues()),
        *(request.view_args or {}).values(),
    ]
    if any(isinstance(v, str) and has_control_characters(v, single_line=True) for v in single_line):
        raise ControlCharacters()
    form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    if form and any(
        has_control_characters(v) for v in chain.from_iterable(request.form.listvalues())
    ):
        raise ControlCharacters()
