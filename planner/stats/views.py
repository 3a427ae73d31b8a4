"""数读 pages (/stats/city, /stats/<scope>/<id>), the ledger (台账) and the sign-in sheet (签到表)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from planner import exports, organisations, pagecache
from planner.events.queries import events_version
from planner.signups.blueprint import managed_event
from planner.stats import ledger, periods, services
from planner.timeutil import local_now

bp = Blueprint("stats", __name__)
SCOPE_NAMES = ",".join(services.SCOPES)


@bp.app_template_global()
def stats_url(item) -> str | None:
    """The 数读 page of a district, street, community, department, team or campaign."""
    scope = organisations.feed_scope_of(item)
    return url_for("stats.page", scope=scope, item_id=item.id) if scope in services.SCOPES else None


def _period() -> periods.Period:
    """The period the query string names (a month, or the picker's choice); this month else."""
    if request.args.get("month"):
        chosen = periods.month(request.args["month"])
        if chosen is not None:
            return chosen
    choice = request.args.get("period")
    period = periods.choose(choice, request.args.get("from"), request.args.get("to"))
    if choice and period.choice != choice:
        flash(_("That period is not understood; here is this month instead."), "warning")
    return period


def _item(scope: str | None, item_id: int | None):
    """The scope's organisation, place or campaign (None for the city); 404 when missing."""
    if scope is None:
        return None
    return services.scope_item(scope, item_id) or abort(404)


def _title(item) -> str:
    return _("The city") if item is None else organisations.full_label(item)


def _scope_args(scope, item_id) -> dict:
    return {} if scope is None else {"scope": scope, "item_id": item_id}


# Visitors get the numbers from the page cache: a new version on any event edit and each day (the
# default period is "this month"); sign-ups, hours and answers show within the cache's lifetime.
_cached_for_visitors = pagecache.cached_for_visitors(
    lambda **_ids: (events_version(), local_now().date())
)


@bp.get("/stats/city", defaults={"scope": None, "item_id": None})
@bp.get(f"/stats/<any({SCOPE_NAMES}):scope>/<int:item_id>")
@_cached_for_visitors
def page(scope: str | None, item_id: int | None):
    item = _item(scope, item_id)
    period = _period()
    numbers = services.numbers(item, period)
    detail = services.sees_detail(item)
    return render_template(
        "stats/page.html",
        item=item,
        title=_title(item),
        numbers=numbers,
        charts=services.charts_of(numbers),
        detail=detail,
        per_event=services.per_event(item, period) if detail else [],
        choices=periods.CHOICES,
        ledger_args={
            **_scope_args(scope, item_id),
            "period": "custom",
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
        },
    )


def _ledger_item(scope, item_id):
    item = _item(scope, item_id)
    if not services.sees_detail(item):
        abort(403)
    return item


@bp.get("/stats/city/ledger.xlsx", defaults={"scope": None, "item_id": None})
@bp.get(f"/stats/<any({SCOPE_NAMES}):scope>/<int:item_id>/ledger.xlsx")
@login_required
def ledger_xlsx(scope: str | None, item_id: int | None):
    item = _ledger_item(scope, item_id)
    period = _period()
    built = ledger.build(item, period)
    sheets = ledger.sheets(_title(item), built, services.numbers(item, period))
    stem = f"ledger-{scope or 'city'}-{item_id or 0}-{period.first}-{period.last}"
    return exports.download(stem, "xlsx", *sheets)


@bp.get("/stats/city/ledger", defaults={"scope": None, "item_id": None})
@bp.get(f"/stats/<any({SCOPE_NAMES}):scope>/<int:item_id>/ledger")
@login_required
def ledger_page(scope: str | None, item_id: int | None):
    item = _ledger_item(scope, item_id)
    period = _period()
    return render_template(
        "stats/ledger.html",
        item=item,
        title=_title(item),
        period=period,
        ledger=ledger.build(item, period),
        summary=ledger.summary_rows(services.numbers(item, period)),
        hosts_text=ledger.hosts_text,
        place_text=ledger.place_text,
    )


@bp.get("/events/<int:event_id>/sign-in-sheet")
@login_required
def sign_in_sheet(event_id: int):
    event = managed_event(event_id)
    return render_template(
        "stats/sign_in_sheet.html",
        event=event,
        by_shift=ledger.sign_in_rows(event),
        blank_rows=ledger.SIGN_IN_BLANK_ROWS,
        hosts_text=ledger.hosts_text(event),
    )
