"""Calendar feeds (.ics), the page listing them, and the user's own calendar page."""

from __future__ import annotations

import functools
import hashlib

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from planner import organisations
from planner.calendar import cache, ics, services
from planner.calendar.forms import ReminderForm
from planner.confirmations import ask_first
from planner.events.models import EventKind
from planner.extensions import db, limiter
from planner.urls import public_base_url, public_url

bp = Blueprint("calendar", __name__)

SCOPE_NAMES = ",".join(organisations.BY_FEED_SCOPE)
LANGS = {"zh": "zh_Hans_CN", "en": "en"}


# ---------------------------------------------------------------- helpers for feeds and pages


@bp.app_template_global()
def feed_url(endpoint: str, **values) -> str:
    """An absolute https-or-http URL of a feed, in the page's language."""
    values.setdefault("lang", "en" if str(get_locale()) == "en" else "zh")
    return public_url(endpoint, **values)


@bp.app_template_global()
def scope_feed_url(item, **values) -> str:
    """The feed of a district, street, community, department, partner, team or campaign."""
    scope = organisations.feed_scope_of(item)
    return feed_url("calendar.scope_feed", scope=scope, item_id=item.id, **values)


@bp.app_template_filter()
def webcal(url: str) -> str:
    """The same feed as a ``webcal://`` link, which phones hand to their calendar app."""
    return "webcal://" + url.split("://", 1)[-1]


@bp.app_template_global()
def qr_svg(data: str, label: str = "") -> Markup:
    """A QR code of ``data`` as inline SVG (scales with CSS, prints sharply)."""
    return Markup(_qr_svg(data, str(label)))  # noqa: S704 - segno's output, with the title escaped by segno


@functools.lru_cache(maxsize=512)
def _qr_svg(data: str, label: str) -> str:
    # Encoding a QR code takes milliseconds; the same feed links appear on every listing page.
    qr = segno.make(data, error="m")
    return qr.svg_inline(scale=4, border=2, title=label or None, svgclass="qr-code", omitsize=True)


def _feed_locale() -> str:
    """``?lang=zh|en``, else the site's default: calendar clients send no cookies."""
    return LANGS.get(request.args.get("lang", ""), current_app.config["PLANNER_DEFAULT_LOCALE"])


def _kind_or_404() -> EventKind | None:
    try:
        return services.parse_kind(request.args.get("kind"))
    except ValueError:
        abort(404)


def _not_modified(version: services.FeedVersion) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(version.etag)
    since = request.if_modified_since
    if since is not None and version.last_modified is not None:
        return version.last_modified.replace(microsecond=0) <= since
    return False


def _serve(
    feed: services.Feed, *, head: services.FeedHead | None = None, filename: str | None = None
) -> Response:
    """Answer 304 from the data version alone, else the rendered feed (cached by that version).

    With a ``head`` (public feeds), the version is remembered for the latest event edit, so a
    conditional request costs one indexed look-up until an event changes.
    """
    locale = _feed_locale()
    base_url = public_base_url()
    refresh_hours = current_app.config["PLANNER_CALENDAR_REFRESH_HOURS"]
    extra = (
        locale,
        base_url,
        refresh_hours,
        current_app.config["PLANNER_CALENDAR_ORGANIZER_EMAIL"],
    )
    window = None
    version = None
    if head is not None:
        config = current_app.config
        window_days = (
            config["PLANNER_CALENDAR_PAST_DAYS"],
            config["PLANNER_CALENDAR_CANCELLED_DAYS"],
        )
        key = repr((feed.key, feed.label, *extra, *window_days))
        known = cache.get_version(key, head.latest_edit)
        if known is not None:
            version = services.FeedVersion(*known)
    if version is None:
        window = services.Window.current()
        version = services.feed_version(feed, window, extra=extra)
        if head is not None:
            cache.put_version(
                key, head.latest_edit, version.etag, version.last_modified, version.stable_until
            )
    if _not_modified(version):
        response = Response(status=304)
    else:
        body = cache.get(version.etag)
        if body is None:
            with force_locale(locale):
                events = services.load_events(feed, window or services.Window.current())
                body = ics.render(feed, events, base_url=base_url, refresh_hours=refresh_hours)
            cache.put(version.etag, body)
        response = Response(body, content_type="text/calendar; charset=utf-8")
        if filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(version.etag)
    if version.last_modified is not None:
        response.last_modified = version.last_modified
    response.headers["Cache-Control"] = ("private" if feed.personal else "public") + ", no-cache"
    return response


def _token_key() -> str:
    token = (request.view_args or {}).get("token", "")
    return "calendar-token:" + hashlib.sha256(token.encode()).hexdigest()[:24]


def _personal_limit() -> str:
    return current_app.config["PLANNER_CALENDAR_PERSONAL_LIMIT"]


# ---------------------------------------------------------------- feeds


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    event = services.public_event(event_id) or abort(404)
    return _serve(services.event_feed(event), filename=f"xinfeng-event-{event.id}.ics")


@bp.get("/calendar/all.ics")
def all_feed():
    kind = _kind_or_404()
    return _serve(services.all_feed(kind), head=services.feed_head())


@bp.get(f"/calendar/<any({SCOPE_NAMES}):scope>/<int:item_id>.ics")
def scope_feed(scope: str, item_id: int):
    kind = _kind_or_404()
    head = services.feed_head(scope, item_id)
    if head is None:
        abort(404)
    return _serve(services.scope_feed(scope, item_id, head.name, kind), head=head)


@bp.get("/calendar/me/<token>.ics")
@limiter.limit(_personal_limit, key_func=_token_key, scope="calendar-personal")
def personal_feed(token: str):
    row = services.find_live_token(token)
    if row is None or not row.user.is_active:
        abort(404)
    return _serve(services.personal_feed(row))


# ---------------------------------------------------------------- pages


@bp.get("/calendar")
def index():
    directory = services.feed_directory()
    try:  # ?kind= picks the kind every feed link on the page keeps; a bad value picks none
        kind = services.parse_kind(request.args.get("kind"))
    except ValueError:
        kind = None
    return render_template(
        "calendar/index.html",
        kind=kind,
        kind_values={"kind": kind.value} if kind else {},
        districts=directory.districts,
        departments=directory.departments,
        teams=directory.teams,
        campaigns=directory.campaigns,
        kinds=list(services.KIND_LABELS.items()),
    )


@bp.get("/calendar/mine")
@login_required
def mine():
    token = services.live_token(current_user)
    form = ReminderForm(remind_day_before=token.remind_day_before if token else False)
    return render_template("calendar/mine.html", token=token, form=form)


@bp.post("/calendar/mine/link")
@login_required
def regenerate_token():
    had_link = services.live_token(current_user) is not None
    services.regenerate_token(current_user)
    db.session.commit()
    if had_link:
        flash(_("Your calendar has a new link. The old link no longer works."), "success")
    else:
        flash(_("Your calendar link is ready."), "success")
    return redirect(url_for("calendar.mine"))


@bp.post("/calendar/mine/revoke")
@login_required
def revoke_token():
    page = ask_first(
        _("Switch your calendar link off?"),
        _(
            "The link stops working at once in every calendar app that uses it; to subscribe"
            " again you make a new link."
        ),
        _("Yes, switch it off"),
        url_for("calendar.mine"),
    )
    if page is not None:
        return page
    if services.revoke_token(current_user) is not None:
        db.session.commit()
        flash(_("Your calendar link has been switched off."), "success")
    return redirect(url_for("calendar.mine"))


@bp.post("/calendar/mine/reminder")
@login_required
def set_reminder():
    form = ReminderForm()
    if form.validate_on_submit():
        try:
            services.set_day_before_reminder(current_user, form.remind_day_before.data)
        except services.TokenMissing as exc:
            flash(str(exc.message), "warning")
        else:
            db.session.commit()
            flash(_("Your reminder setting has been saved."), "success")
    return redirect(url_for("calendar.mine"))
