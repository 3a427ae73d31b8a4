"""Public event and campaign pages, and the organisers' pages to plan them."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from planner import organisations, pagecache, permissions
from planner.directory import services as directory
from planner.directory.models import (
    Community,
    District,
    Street,
    VolunteerTeam,
)
from planner.events import forms, services
from planner.events.kinds import KINDS, STATUS_BADGES, STATUS_LABELS
from planner.events.models import (
    Campaign,
    CampaignStatus,
    Event,
    EventKind,
    HostRole,
)
from planner.exceptions import DomainError
from planner.extensions import db
from planner.timeutil import from_local, local_now, to_local, utcnow

bp = Blueprint("events", __name__)
PER_PAGE = 20


@bp.record_once
def _event_globals(state):
    # Globals, not a context processor: imported macros (events/_macros.html) see them too.
    state.app.jinja_env.globals.update(
        event_kinds=KINDS,
        event_status_labels=STATUS_LABELS,
        event_status_badges=STATUS_BADGES,
        can_manage_event=permissions.can_manage_event,
        leads_any_team=permissions.leads_any_team,
        to_local=to_local,
    )


# ---------------------------------------------------------------- organisations as choices


def _org_label(organisation) -> str:
    # A community's name is unique only within its street.
    if organisation.organisation_kind == "community":
        return f"{organisation.street.name} · {organisation.name}"
    return organisation.name


def _org_choices(choices) -> list[tuple[str, str]]:
    return [(organisations.key_of(o), _org_label(o)) for o in choices]


def _community_choices(blank=True) -> list:
    rows = db.session.scalars(
        db.select(Community)
        .where(Community.archived_at.is_(None))
        .options(joinedload(Community.street).joinedload(Street.district))
        .order_by(Community.name)
    )
    choices = [(None, _("— none —"))] if blank else []
    return choices + [
        (c.id, f"{c.street.district.name} · {c.street.name} · {c.name}") for c in rows
    ]


def _campaign_choices() -> list:
    rows = db.session.scalars(db.select(Campaign).order_by(Campaign.starts_on.desc()))
    return [(None, _("— none —"))] + [(c.id, c.name) for c in rows]


@bp.app_template_global()
def organisation_url(organisation) -> str:
    return organisations.url_of(organisation)


# ---------------------------------------------------------------- public listing


def _week_start(today):
    return today - timedelta(days=today.weekday())


def _date_window(data) -> tuple | None:
    """The (from, to) local days chosen, as UTC bounds; None when no date filter applies."""
    today = local_now().date()
    when = data.get("when")
    if when == "today":
        first, last = today, today
    elif when == "weekend":
        saturday = _week_start(today) + timedelta(days=5)
        first, last = saturday, saturday + timedelta(days=1)
    elif when == "week":
        monday = _week_start(today)
        first, last = monday, monday + timedelta(days=6)
    elif when == "range" or data.get("date_from") or data.get("date_to"):
        first, last = data.get("date_from"), data.get("date_to")
        if first is None and last is None:
            return None
    else:
        return None
    start = services.local_day_bounds(first)[0] if first else None
    end = services.local_day_bounds(last)[1] if last else None
    return start, end


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def listing_query(data: dict):
    """The public listing's query for the valid filter values in ``data``."""
    query = db.select(Event).where(Event.status.in_(services.PUBLIC_STATUSES))
    now = utcnow()
    # The bounds on starts_at are implied by the others (no event is longer than LONGEST_EVENT) but
    # let the database walk its start-time index instead of reading every event.
    if data.get("past"):
        query = query.where(Event.ends_at < now, Event.starts_at < now).order_by(
            Event.starts_at.desc(), Event.id.desc()
        )
    else:
        query = query.where(
            Event.ends_at >= now, Event.starts_at >= now - services.LONGEST_EVENT
        ).order_by(Event.starts_at, Event.id)
    if data.get("community"):
        query = query.where(Event.community_id == data["community"])
    elif data.get("street"):
        query = query.where(
            Event.community_id.in_(
                db.select(Community.id).where(Community.street_id == data["street"])
            )
        )
    elif data.get("district"):
        query = query.where(
            Event.community_id.in_(
                db.select(Community.id)
                .join(Community.street)
                .where(Street.district_id == data["district"])
            )
        )
    if data.get("kind"):
        query = query.where(Event.kind == EventKind(data["kind"]))
    if data.get("campaign"):
        query = query.where(Event.campaign_id == data["campaign"])
    host = organisations.from_key(data.get("host"))
    if host is not None:
        query = query.where(services.host_condition(host))
    window = _date_window(data)
    if window is not None:
        start, end = window
        if start is not None:
            query = query.where(Event.ends_at > start)
        if end is not None:
            query = query.where(Event.starts_at < end)
    if data.get("q"):
        pattern = f"%{_escape_like(data['q'])}%"
        query = query.where(
            db.or_(
                Event.title.ilike(pattern, escape="\\"),
                Event.description.ilike(pattern, escape="\\"),
            )
        )
    return query.options(*services.card_options())


def _filter_form() -> tuple[forms.EventFilterForm, dict]:
    form = forms.EventFilterForm(request.args)
    # Plain columns, not ORM objects: at a city's size these lists hold thousands of names.
    communities = db.session.execute(
        db.select(Community.id, Community.name, Street.id, Street.name, District.id, District.name)
        .join(Community.street)
        .join(Street.district)
        .where(Community.archived_at.is_(None))
        .order_by(Community.name)
    ).all()
    streets = {row[2]: row[3] for row in communities}
    districts = {row[4]: row[5] for row in communities}
    # An empty value, not "None": a filter left at "All" stays out of the address.
    blank = [("", _("All"))]
    form.district.choices = blank + sorted(districts.items(), key=lambda d: d[1])
    form.street.choices = blank + sorted(streets.items(), key=lambda s: s[1])
    form.community.choices = blank + [(row[0], row[1]) for row in communities]
    form.kind.choices = [("", _("All"))] + [(k.value, s.label) for k, s in KINDS.items()]
    form.campaign.choices = blank + [
        tuple(row)
        for row in db.session.execute(
            db.select(Campaign.id, Campaign.name)
            .where(Campaign.status != CampaignStatus.DRAFT)
            .order_by(Campaign.name)
        )
    ]
    form.host.choices = _host_choices(request.args.get("host"))
    form.validate()
    # A bad value in one filter is ignored; the others still apply.
    data = {name: field.data for name, field in form._fields.items() if not field.errors}
    return form, data


def _host_choices(chosen: str | None) -> list[tuple[str, str]]:
    """Departments and partner organisations, plus the host picked by a link (a team's page links
    here with its team): a city's thousands of teams would make a drop-down nobody can use."""
    hosts = [("", _("All"))]
    for kind in (organisations.KINDS["department"], organisations.KINDS["partner"]):
        model = kind.model
        hosts.extend(
            (organisations.format_key(kind.name, ident), name)
            for ident, name in db.session.execute(
                db.select(model.id, model.name)
                .where(model.archived_at.is_(None))
                .order_by(model.name)
            )
        )
    picked = organisations.from_key(chosen)
    if picked is not None and picked.organisation_kind not in ("department", "partner"):
        hosts.insert(1, (organisations.key_of(picked), _org_label(picked)))
    return hosts


@bp.get("/events")
@pagecache.cached_for_visitors(services.events_version)
def listing():
    form, data = _filter_form()
    page = db.paginate(listing_query(data), per_page=PER_PAGE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    active = sum(
        1 for name, value in data.items() if name != "q" and value not in (None, "", False)
    )
    return render_template(
        "events/list.html",
        form=form,
        page=page,
        args=args,
        past=bool(data.get("past")),
        active_filters=active,
    )


@bp.get("/events/<int:event_id>")
@pagecache.cached_for_visitors(services.event_version)
def detail(event_id: int):
    event = services.load_event(event_id)
    if event is None or not (event.is_public or permissions.can_manage_event(event)):
        abort(404)
    return render_template("events/detail.html", event=event)


# ---------------------------------------------------------------- organiser pages


def _managed_event(event_id: int) -> Event:
    event = services.load_event(event_id) or abort(404)
    if not permissions.can_manage_event(event):
        abort(403)
    return event


def _field_error(form, exc: DomainError, fallback: str | None = None) -> None:
    field = getattr(form, exc.field or "", None) or (getattr(form, fallback) if fallback else None)
    if field is None:
        flash(str(exc.message), "warning")
    else:
        field.errors = [*field.errors, str(exc.message)]


def _warn_overlaps(event: Event) -> None:
    clashes = services.overlapping(event)
    if clashes:
        flash(
            _(
                "Note: the venue or a host team is already booked at an overlapping time: %(events)s",
                events="、".join(
                    f"{e.title}（{to_local(e.starts_at):%m-%d %H:%M}）" for e in clashes
                ),
            ),
            "warning",
        )


@bp.get("/events/mine")
@login_required
def mine():
    if not (permissions.is_organiser() or permissions.leads_any_team()):
        abort(403)
    now = utcnow()
    page = db.paginate(
        db.select(Event)
        .where(services.managed_condition(current_user))
        .options(*services.card_options())
        .order_by((Event.ends_at < now), Event.starts_at, Event.id),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("events/mine.html", page=page)


def _prepare_event_form(form: forms.EventForm, hosts: list | None) -> None:
    form.community_id.choices = _community_choices()
    form.campaign_id.choices = _campaign_choices()
    if hosts is None:
        del form.host
    else:
        form.host.choices = _org_choices(hosts)


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new():
    hosts = services.manageable_organisations(current_user)
    if not hosts:
        abort(403)
    form = forms.EventForm()
    _prepare_event_form(form, hosts)
    del form.scope
    if request.method == "GET":
        start = (local_now() + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
        form.starts_at.data = start.replace(tzinfo=None)
        form.ends_at.data = (start + timedelta(hours=2)).replace(tzinfo=None)
        if request.args.get("campaign", "").isdigit():
            form.campaign_id.data = int(request.args["campaign"])
    if form.validate_on_submit():
        try:
            event = services.create_event(
                current_user, form.details(), organisations.from_key(form.host.data)
            )
        except DomainError as exc:
            db.session.rollback()
            _field_error(form, exc, "title")
        else:
            _warn_overlaps(event)
            db.session.commit()
            flash(_("The event is saved as a draft. Add shifts, then publish it."), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/edit.html", form=form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = _managed_event(event_id)
    if not event.is_open:
        flash(str(services.EventClosed.message), "warning")
        return redirect(url_for("events.manage", event_id=event.id))
    form = forms.EventForm(obj=event)
    _prepare_event_form(form, None)
    if not event.series_id:
        del form.scope
    if request.method == "GET":
        form.kind.data = event.kind.value
        form.starts_at.data = to_local(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(event.ends_at).replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            if event.series_id and form.scope.data == "following":
                count = services.update_following(current_user, event, form.details())
            else:
                services.update_event(current_user, event, form.details())
                count = 1
        except DomainError as exc:
            db.session.rollback()
            event = services.load_event(event_id)
            _field_error(form, exc, "title")
        else:
            _warn_overlaps(event)
            db.session.commit()
            flash(ngettext_saved(count), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/edit.html", form=form, event=event)


def ngettext_saved(count: int) -> str:
    return _("Saved.") if count == 1 else _("Saved %(num)d occurrences.", num=count)


def _distinct_ids(form, prefix: str) -> None:
    """Give a form's fields ids of their own, so labels on a page of several forms find them."""
    for item in form:
        item.id = f"{prefix}-{item.id}"
        item.label.field_id = item.id


def _render_manage(event: Event, **given):
    teams = db.session.scalars(
        db.select(VolunteerTeam)
        .where(VolunteerTeam.archived_at.is_(None))
        .order_by(VolunteerTeam.name)
    ).all()
    host_form = given.get("host_form") or forms.HostForm(formdata=None)
    host_form.organisation.choices = _org_choices(services.host_organisations())
    programme_form = given.get("programme_form") or forms.ProgrammeItemForm(formdata=None)
    programme_form.performer_team_id.choices = [(None, _("— none —"))] + [
        (t.id, t.name) for t in teams
    ]
    shift_form = given.get("shift_form") or forms.ShiftForm(
        formdata=None,
        starts_at=to_local(event.starts_at).replace(tzinfo=None),
        ends_at=to_local(event.ends_at).replace(tzinfo=None),
        capacity=10,
    )
    series_form = given.get("series_form") or forms.SeriesForm(formdata=None)
    for prefix, form in (
        ("host", host_form),
        ("programme", programme_form),
        ("shift", shift_form),
        ("series", series_form),
    ):
        _distinct_ids(form, prefix)
    siblings = []
    if event.series_id:
        siblings = db.session.scalars(
            db.select(Event).where(Event.series_id == event.series_id).order_by(Event.starts_at)
        ).all()
    status = 400 if given else 200
    return render_template(
        "events/manage.html",
        event=event,
        host_form=host_form,
        programme_form=programme_form,
        shift_form=shift_form,
        series_form=series_form,
        siblings=siblings,
    ), status


@bp.get("/events/<int:event_id>/manage")
@login_required
def manage(event_id: int):
    return _render_manage(_managed_event(event_id))


def _transition(event_id: int, action, success: str, **kwargs):
    event = _managed_event(event_id)
    try:
        result = action(current_user, event, **kwargs)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
    else:
        db.session.commit()
        flash(success if not isinstance(result, int) else f"{success} ({result})", "success")
    return redirect(url_for("events.manage", event_id=event_id))


@bp.post("/events/<int:event_id>/publish")
@login_required
def publish(event_id: int):
    following = request.form.get("scope") == "following"
    action = services.publish_following if following else services.publish
    return _transition(event_id, action, _("The event is published."))


@bp.post("/events/<int:event_id>/complete")
@login_required
def complete(event_id: int):
    return _transition(event_id, services.complete, _("The event is marked as completed."))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(event_id: int):
    event = _managed_event(event_id)
    form = forms.CancelForm()
    if not event.series_id:
        del form.scope
    if form.validate_on_submit():
        try:
            if event.series_id and form.scope.data == "following":
                services.cancel_following(current_user, event, form.reason.data)
            else:
                services.cancel(current_user, event, form.reason.data)
        except DomainError as exc:
            db.session.rollback()
            event = services.load_event(event_id)
            _field_error(form, exc, None)
        else:
            db.session.commit()
            flash(_("The event is cancelled; everyone signed up will be told."), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/cancel.html", form=form, event=event)


@bp.post("/events/<int:event_id>/duplicate")
@login_required
def duplicate(event_id: int):
    event = _managed_event(event_id)
    try:
        copy = services.duplicate(current_user, event)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
        return redirect(url_for("events.manage", event_id=event.id))
    db.session.commit()
    flash(_("A copy for the following week is saved as a draft."), "success")
    return redirect(url_for("events.manage", event_id=copy.id))


@bp.post("/events/<int:event_id>/repeat")
@login_required
def repeat(event_id: int):
    event = _managed_event(event_id)
    form = forms.SeriesForm()
    if form.validate_on_submit():
        try:
            copies = services.make_series(current_user, event, form.frequency.data, form.until.data)
        except DomainError as exc:
            db.session.rollback()
            event = services.load_event(event_id)
            _field_error(form, exc, "until")
        else:
            db.session.commit()
            flash(_("%(num)d more occurrences are saved as drafts.", num=len(copies)), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return _render_manage(event, series_form=form)


@bp.post("/events/<int:event_id>/hosts")
@login_required
def add_host(event_id: int):
    event = _managed_event(event_id)
    form = forms.HostForm()
    form.organisation.choices = _org_choices(services.host_organisations())
    if form.validate_on_submit():
        try:
            services.add_host(
                current_user,
                event,
                organisations.from_key(form.organisation.data),
                HostRole(form.role.data),
            )
        except DomainError as exc:
            db.session.rollback()
            event = services.load_event(event_id)
            _field_error(form, exc, "organisation")
        else:
            _warn_overlaps(event)
            db.session.commit()
            flash(_("Host added."), "success")
            return redirect(url_for("events.manage", event_id=event.id) + "#hosts")
    return _render_manage(event, host_form=form)


def _child(rows, child_id: int):
    return next((row for row in rows if row.id == child_id), None) or abort(404)


@bp.post("/events/<int:event_id>/hosts/<int:host_id>/remove")
@login_required
def remove_host(event_id: int, host_id: int):
    event = _managed_event(event_id)
    host = _child(event.hosts, host_id)
    return _transition(
        event_id, lambda actor, ev: services.remove_host(actor, ev, host), _("Host removed.")
    )


@bp.post("/events/<int:event_id>/programme")
@login_required
def add_programme_item(event_id: int):
    event = _managed_event(event_id)
    form = forms.ProgrammeItemForm()
    form.performer_team_id.choices = [(None, "")] + [
        (t.id, t.name) for t in db.session.scalars(db.select(VolunteerTeam))
    ]
    if form.validate_on_submit():
        try:
            services.add_programme_item(
                current_user,
                event,
                form.title.data,
                form.performer_team_id.data,
                form.performer_text.data or "",
                form.duration_minutes.data,
            )
        except DomainError as exc:
            db.session.rollback()
            event = services.load_event(event_id)
            _field_error(form, exc, "title")
        else:
            db.session.commit()
            flash(_("Added to the programme."), "success")
            return redirect(url_for("events.manage", event_id=event.id) + "#programme")
    return _render_manage(event, programme_form=form)


@bp.post("/events/<int:event_id>/programme/<int:item_id>/remove")
@login_required
def remove_programme_item(event_id: int, item_id: int):
    event = _managed_event(event_id)
    item = _child(event.programme, item_id)
    return _transition(
        event_id,
        lambda actor, ev: services.remove_programme_item(actor, ev, item),
        _("Removed from the programme."),
    )


@bp.post("/events/<int:event_id>/programme/<int:item_id>/<any(up,down):direction>")
@login_required
def move_programme_item(event_id: int, item_id: int, direction: str):
    event = _managed_event(event_id)
    item = _child(event.programme, item_id)
    step = -1 if direction == "up" else 1
    _transition(
        event_id,
        lambda actor, ev: services.move_programme_item(actor, ev, item, step),
        _("The programme order is saved."),
    )
    return redirect(url_for("events.manage", event_id=event_id) + "#programme")


def _shift_times(form):
    return from_local(form.starts_at.data), from_local(form.ends_at.data)


def _save_shift(form, event, shift):
    """Save a valid shift form: (redirect, event) on success, else (None, event reloaded) with the
    error next to its field."""
    if not form.validate_on_submit():
        return None, event
    try:
        services.save_shift(
            current_user,
            event,
            shift,
            form.role.data,
            *_shift_times(form),
            form.capacity.data,
            form.requirements.data or "",
        )
    except DomainError as exc:
        db.session.rollback()
        _field_error(form, exc, "role")
        return None, services.load_event(event.id)
    db.session.commit()
    flash(_("Shift saved."), "success")
    return redirect(url_for("events.manage", event_id=event.id) + "#shifts"), event


@bp.post("/events/<int:event_id>/shifts")
@login_required
def add_shift(event_id: int):
    event = _managed_event(event_id)
    form = forms.ShiftForm()
    saved, event = _save_shift(form, event, None)
    return saved or _render_manage(event, shift_form=form)


@bp.route("/events/<int:event_id>/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@login_required
def edit_shift(event_id: int, shift_id: int):
    event = _managed_event(event_id)
    shift = _child(event.shifts, shift_id)
    form = forms.ShiftForm(obj=shift)
    if request.method == "GET":
        form.starts_at.data = to_local(shift.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(shift.ends_at).replace(tzinfo=None)
    saved, event = _save_shift(form, event, shift)
    return saved or render_template("events/shift_edit.html", form=form, event=event, shift=shift)


@bp.post("/events/<int:event_id>/shifts/<int:shift_id>/remove")
@login_required
def remove_shift(event_id: int, shift_id: int):
    event = _managed_event(event_id)
    shift = _child(event.shifts, shift_id)
    return _transition(
        event_id, lambda actor, ev: services.remove_shift(actor, ev, shift), _("Shift removed.")
    )


# ---------------------------------------------------------------- campaigns


def _visible_campaign(campaign: Campaign) -> bool:
    return campaign.status is not CampaignStatus.DRAFT or permissions.can_manage_campaign(campaign)


@bp.get("/campaigns")
def campaigns():
    rows = db.session.scalars(
        db.select(Campaign)
        .options(selectinload(Campaign.lead_departments))
        .order_by(Campaign.starts_on.desc(), Campaign.id)
    ).all()
    return render_template(
        "events/campaigns.html", campaigns=[c for c in rows if _visible_campaign(c)]
    )


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    item = db.session.scalar(
        db.select(Campaign)
        .where(Campaign.id == campaign_id)
        .options(selectinload(Campaign.lead_departments))
    )
    if item is None or not _visible_campaign(item):
        abort(404)
    public = db.and_(Event.status.in_(services.PUBLIC_STATUSES), services.events_of(item))
    page = db.paginate(
        db.select(Event)
        .where(public)
        .options(*services.card_options())
        .order_by(Event.starts_at, Event.id),
        per_page=60,
        error_out=False,
    )
    by_kind = db.session.execute(
        db.select(Event.kind, db.func.count(Event.id)).where(public).group_by(Event.kind)
    ).all()
    by_district = db.session.execute(
        db.select(District.name, db.func.count(Event.id))
        .join(Event.community)
        .join(Community.street)
        .join(Street.district)
        .where(public)
        .group_by(District.name)
        .order_by(db.func.count(Event.id).desc(), District.name)
    ).all()
    days: dict = {}
    for event in page.items:
        days.setdefault(to_local(event.starts_at).date(), []).append(event)
    return render_template(
        "events/campaign.html",
        campaign=item,
        days=days,
        page=page,
        total=page.total,
        by_kind=sorted(by_kind, key=lambda row: list(KINDS).index(row[0])),
        by_district=by_district,
        can_manage=permissions.can_manage_campaign(item),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(campaign_id: int | None = None):
    item = None
    if campaign_id is not None:
        item = db.session.scalar(
            db.select(Campaign)
            .where(Campaign.id == campaign_id)
            .options(selectinload(Campaign.lead_departments))
        ) or abort(404)
        if not permissions.can_manage_campaign(item):
            abort(403)
    elif not permissions.is_organiser():
        abort(403)
    form = forms.CampaignForm(obj=item)
    form.lead_department_ids.choices = [(d.id, d.name) for d in directory.active_departments()]
    if request.method == "GET" and item is not None:
        form.lead_department_ids.data = [d.id for d in item.lead_departments]
        form.status.data = item.status.value
    if form.validate_on_submit():
        details = services.CampaignDetails(
            name=form.name.data,
            slogan=form.slogan.data or "",
            description=form.description.data or "",
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            status=CampaignStatus(form.status.data),
            lead_department_ids=form.lead_department_ids.data,
        )
        try:
            with db.session.no_autoflush:
                saved = services.save_campaign(current_user, item, details)
        except DomainError as exc:
            db.session.rollback()
            _field_error(form, exc, "name")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("events.campaign", campaign_id=saved.id))
    return render_template("events/campaign_edit.html", form=form, campaign=item)
