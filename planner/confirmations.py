"""Asking once before what cannot be undone.

A button for such an action posts a form marked ``data-confirm`` (``post_button(...,
confirm=...)``): with JavaScript, ``static/js/confirm.js`` asks in a dialog and sends
``confirmed=yes``; without it, the view answers the unconfirmed POST with a page that says what
will happen and posts again with ``confirmed=yes``. Either way the person is asked exactly once.
"""

from __future__ import annotations

from flask import render_template, request

CONFIRMED_FIELD = "confirmed"
# Fields of the first POST that the confirmation page sends on unchanged.
PASSED_ON = ("next", "scope")


def confirmed() -> bool:
    return request.form.get(CONFIRMED_FIELD) == "yes"


def ask_first(question: str, consequence: str, yes_label: str, back_url: str):
    """The confirmation page, unless this POST was confirmed (then ``None``: go ahead)."""
    if confirmed():
        return None
    passed_on = {name: request.form[name] for name in PASSED_ON if request.form.get(name)}
    return render_template(
        "confirm_action.html",
        question=question,
        consequence=consequence,
        yes_label=yes_label,
        back_url=back_url,
        action=request.full_path.rstrip("?"),
        passed_on=passed_on,
    )
