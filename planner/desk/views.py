"""The organiser's desk at /desk."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from planner import permissions
from planner.desk import services

bp = Blueprint("desk", __name__)


@bp.get("/desk")
@login_required
def desk():
    if not permissions.acts_for_anyone():
        abort(403)
    return render_template("desk/desk.html", desk=services.desk(current_user))
