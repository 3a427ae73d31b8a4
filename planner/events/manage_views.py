"""The organisers' pages to plan an event: create, edit, hosts, programme, shifts, workflow."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import organisations, permissions
from planner.errors import domain_errors_go_back_to, domain_errors_go_to, show_on_form
from planner.events import forms, hosts, programme, queries, series, services, workflow
from planner.events.blueprint import (
    bp,
    campaign_choices,
    community_choices,
    org_choices,
    team_choices,
)
from planner.events.models import Event, HostRole
from planner.exceptions import DomainError
from planner.extensions import db, requested_page
from planner.inputs import record_id
from planner.timeutil import from_local, local_now, to_local

# ---------------------------------------------------------------- organiser pages


def _managed_event(event_id: int) -> Event:
    event = queries.load_event(event_id) or abort(404)
    if not permissions.can_manage_event(event):
        abort(403)
    return event


def _warn_overlaps(event: Event) -> None:
    clashes = queries.overlapping(event)
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
    page = queries.managed_events_page(current_user, requested_page())
    return render_template("events/mine.html", page=page)


def _prepare_event_form(form: forms.EventForm, choices: list | None) -> None:
    form.community_id.choices = community_choices()
    form.campaign_id.choices = campaign_choices()
    if choices is None:
        del form.host
    else:
        form.host.choices = org_choices(choices)


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new():
    choices = hosts.manageable_organisations(current_user)
    if not choices:
        abort(403)
    form = forms.EventForm()
    _prepare_event_form(form, choices)
    del form.scope
    if request.method == "GET":
        start = (local_now() + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
        form.starts_at.data = start.replace(tzinfo=None)
        form.ends_at.data = (start + timedelta(hours=2)).replace(tzinfo=None)
        if (campaign_id := request.args.get("campaign", type=record_id)) is not None:
            form.campaign_id.data = campaign_id
        if choices[0].organisation_kind == "community":  # the host offered first
            form.community_id.data = choices[0].id
    if form.validate_on_submit():
        host = organisations.from_key(form.host.data)
        details = form.details()
        if details.community_id is None and getattr(host, "organisation_kind", "") == "community":
            details.community_id = host.id  # a community's own event is held there by default
        try:
            event = services.create_event(current_user, details, host)
        except DomainError as exc:
            show_on_form(form, exc, "title")
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
        flash(str(workflow.EventClosed.message), "warning")
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
                count = series.update_following(current_user, event, form.details())
            else:
                services.update_event(current_user, event, form.details())
                count = 1
        except DomainError as exc:
            show_on_form(form, exc, "title")
            event = queries.load_event(event_id)
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
    host_form = given.get("host_form") or forms.HostForm(formdata=None)
    host_form.organisation.choices = org_choices(hosts.host_organisations())
    programme_form = given.get("programme_form") or forms.ProgrammeItemForm(formdata=None)
    programme_form.performer_team_id.choices = team_choices(_("— none —"))
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
    siblings = queries.series_occurrences(event)
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


def _transition(event_id: int, action, success: str, anchor: str = "", **kwargs):
    back = domain_errors_go_back_to(url_for("events.manage", event_id=event_id) + anchor)
    event = _managed_event(event_id)
    result = action(current_user, event, **kwargs)
    db.session.commit()
    flash(success if not isinstance(result, int) else f"{success} ({result})", "success")
    return redirect(back)


@bp.post("/events/<int:event_id>/publish")
@login_required
def publish(event_id: int):
    following = request.form.get("scope") == "following"
    action = series.publish_following if following else workflow.publish
    return _transition(event_id, action, _("The event is published."))


@bp.post("/events/<int:event_id>/complete")
@login_required
def complete(event_id: int):
    return _transition(event_id, workflow.complete, _("The event is marked as completed."))


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
                series.cancel_following(current_user, event, form.reason.data)
            else:
                workflow.cancel(current_user, event, form.reason.data)
        except DomainError as exc:
            show_on_form(form, exc)
            event = queries.load_event(event_id)
        else:
            db.session.commit()
            flash(_("The event is cancelled; everyone signed up will be told."), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    told = len(workflow.participants(event))
    return render_template("events/cancel.html", form=form, event=event, told=told)


@bp.post("/events/<int:event_id>/duplicate")
@login_required
@domain_errors_go_to("events.manage", "event_id")
def duplicate(event_id: int):
    event = _managed_event(event_id)
    copy = series.duplicate(current_user, event)
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
            copies = series.make_series(current_user, event, form.frequency.data, form.until.data)
        except DomainError as exc:
            show_on_form(form, exc, "until")
            event = queries.load_event(event_id)
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
    form.organisation.choices = org_choices(hosts.host_organisations())
    if form.validate_on_submit():
        try:
            hosts.add_host(
                current_user,
                event,
                organisations.from_key(form.organisation.data),
                HostRole(form.role.data),
            )
        except DomainError as exc:
            show_on_form(form, exc, "organisation")
            event = queries.load_event(event_id)
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
        event_id, lambda actor, ev: hosts.remove_host(actor, ev, host), _("Host removed.")
    )


@bp.post("/events/<int:event_id>/programme")
@login_required
def add_programme_item(event_id: int):
    event = _managed_event(event_id)
    form = forms.ProgrammeItemForm()
    form.performer_team_id.choices = team_choices("")
    if form.validate_on_submit():
        try:
            programme.add_programme_item(
                current_user,
                event,
                form.title.data,
                form.performer_team_id.data,
                form.performer_text.data or "",
                form.duration_minutes.data,
            )
        except DomainError as exc:
            show_on_form(form, exc, "title")
            event = queries.load_event(event_id)
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
        lambda actor, ev: programme.remove_programme_item(actor, ev, item),
        _("Removed from the programme."),
    )


@bp.post("/events/<int:event_id>/programme/<int:item_id>/<any(up,down):direction>")
@login_required
def move_programme_item(event_id: int, item_id: int, direction: str):
    event = _managed_event(event_id)
    item = _child(event.programme, item_id)
    step = -1 if direction == "up" else 1
    return _transition(
        event_id,
        lambda actor, ev: programme.move_programme_item(actor, ev, item, step),
        _("The programme order is saved."),
        anchor="#programme",
    )


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
        show_on_form(form, exc, "role")
        return None, queries.load_event(event.id)
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
