"""Public event and campaign pages; the organisers' pages are in manage_views.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import organisations, pagecache, permissions
from planner.banquets import personal as banquet_personal
from planner.banquets import services as banquet_services
from planner.directory import services as directory_services
from planner.errors import show_on_form
from planner.events import (
    forms,
    manage_views,  # noqa: F401  (its routes)
    poster_views,  # noqa: F401  (its routes)
    queries,
)
from planner.events.blueprint import (
    bp,
)
from planner.events.campaigns import CampaignDetails, save_campaign
from planner.events.kinds import KINDS
from planner.events.listing import ListingFilter, filter_options, listing_page
from planner.events.models import Campaign, CampaignStatus, EventKind
from planner.events.timing import took_place
from planner.exceptions import DomainError
from planner.extensions import db, requested_page
from planner.inputs import record_id
from planner.quizzes import services as quiz_services
from planner.signups import personal as signup_personal
from planner.signups import reports as signup_reports
from planner.stats import services as stats
from planner.timeutil import to_local

# ---------------------------------------------------------------- public listing


def _filter_form() -> tuple[forms.EventFilterForm, ListingFilter]:
    form = forms.EventFilterForm(request.args)
    picked_host = organisations.from_key(request.args.get("host"))
    options = filter_options(
        picked_host,
        district=request.args.get("district", type=record_id),
        street=request.args.get("street", type=record_id),
    )
    # An empty value, not "None": a filter left at "All" stays out of the address.
    blank = [("", _("All"))]
    form.district.choices = blank + options.districts
    form.street.choices = blank + options.streets
    form.community.choices = blank + options.communities
    form.kind.choices = blank + [(k.value, s.label) for k, s in KINDS.items()]
    form.campaign.choices = blank + options.campaigns
    form.host.choices = blank + options.hosts
    form.validate()
    # A bad value in one filter is ignored; the others still apply.
    data = {name: field.data for name, field in form._fields.items() if not field.errors}
    filters = ListingFilter(
        district=data.get("district"),
        street=data.get("street"),
        community=data.get("community"),
        kind=EventKind(data["kind"]) if data.get("kind") else None,
        campaign=data.get("campaign"),
        host=picked_host if data.get("host") else None,
        when=data.get("when") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        q=data.get("q") or "",
        past=bool(data.get("past")),
    )
    return form, filters


# The listing's place and campaign filters, narrowest first, and the feed scope of each.
_FEED_SCOPES = (
    ("community", "communities"),
    ("street", "streets"),
    ("district", "districts"),
    ("campaign", "campaigns"),
)


def _listing_feed(form: forms.EventFilterForm, filters: ListingFilter) -> dict:
    """The calendar feed of what the list shows, as far as a feed can hold it (one place or
    campaign, and a kind), with a note when the list's other filters are not part of it."""
    values: dict = {"kind": filters.kind.value} if filters.kind else {}
    endpoint, names, followed = "calendar.all_feed", [], set()
    for field, scope in _FEED_SCOPES:
        ident = getattr(filters, field)
        if ident:
            endpoint = "calendar.scope_feed"
            values.update(scope=scope, item_id=ident)
            names.append(
                next((str(c[1]) for c in getattr(form, field).choices if c[0] == ident), "")
            )
            followed.add(field)
            break
    if filters.kind:
        names.append(str(KINDS[filters.kind].label))
    left_out = (filters.campaign and "campaign" not in followed) or any(
        (filters.host, filters.when, filters.date_from, filters.date_to, filters.q, filters.past)
    )
    name = " · ".join(n for n in names if n)
    note = None
    if left_out and name:
        note = _(
            "This calendar holds every event of %(name)s; the list's other filters (dates, host,"
            " search, past events) are not part of it.",
            name=name,
        )
    elif left_out:
        note = _("This calendar holds all events, not only those filtered here.")
    return {"endpoint": endpoint, "params": values, "name": name, "note": note}


@bp.get("/events")
@pagecache.cached_for_visitors(queries.events_version, members=True)
def listing():
    form, filters = _filter_form()
    page = listing_page(filters, requested_page())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "events/list.html",
        feed=_listing_feed(form, filters),
        form=form,
        page=page,
        args=args,
        past=filters.past,
        active_filters=filters.active_count,
        plans_events=permissions.is_organiser() or permissions.leads_any_team(),
    )


@bp.get("/events/<int:event_id>")
@pagecache.cached_for_visitors(queries.event_version, members=signup_personal.event_page_version)
def detail(event_id: int):
    event = queries.load_event(event_id) or abort(404)
    manages_event = permissions.can_manage_event(event)
    if not (event.is_public or manages_event):
        abort(404)
    dishes = banquet_services.dishes_link(event)
    # The reader's own parts are holes the page cache fills (planner/pagecache.py); loaded here,
    # so that the template does not query.
    signup_personal.prepare(event.id, shifts=bool(event.shifts), seats=bool(event.seats_capacity))
    banquet_personal.prepare(event, dishes)
    return render_template(
        "events/detail.html",
        event=event,
        manages_event=manages_event,
        dishes=dishes,
        event_quizzes=quiz_services.quizzes_for_event(event),
        turnout=signup_reports.turnout(event) if took_place(event) else None,
    )


# ---------------------------------------------------------------- campaigns


def _visible_campaign(campaign: Campaign) -> bool:
    return campaign.status is not CampaignStatus.DRAFT or permissions.can_manage_campaign(campaign)


@bp.get("/campaigns")
def campaigns():
    rows = queries.campaigns_with_leads()
    return render_template(
        "events/campaigns.html",
        campaigns=[c for c in rows if _visible_campaign(c)],
        plans_campaigns=permissions.is_organiser(),
    )


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    item = queries.campaign_with_leads(campaign_id)
    if item is None or not _visible_campaign(item):
        abort(404)
    page = queries.campaign_events_page(item, requested_page())
    by_kind = queries.campaign_counts_by_kind(item)
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
        by_district=queries.campaign_counts_by_district(item),
        headline=stats.headline(item, stats.campaign_period(item)),
        can_manage=permissions.can_manage_campaign(item),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(campaign_id: int | None = None):
    item = None
    if campaign_id is not None:
        item = queries.campaign_with_leads(campaign_id) or abort(404)
        if not permissions.can_manage_campaign(item):
            abort(403)
    elif not permissions.is_organiser():
        abort(403)
    form = forms.CampaignForm(obj=item)
    form.lead_department_ids.choices = [
        (d.id, d.name) for d in directory_services.active_departments()
    ]
    if request.method == "GET" and item is not None:
        form.lead_department_ids.data = [d.id for d in item.lead_departments]
        form.status.data = item.status.value
    if form.validate_on_submit():
        details = CampaignDetails(
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
                saved = save_campaign(current_user, item, details)
        except DomainError as exc:
            show_on_form(form, exc, "name")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("events.campaign", campaign_id=saved.id))
    return render_template("events/campaign_edit.html", form=form, campaign=item)
