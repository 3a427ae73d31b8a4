"""Banquet pages: the menu as it fills and a household's dish, the organiser's menu plan, tables,
leftovers, and the printable menu, table plan and table cards."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import permissions
from planner.banquets import forms, personal, plans, seating, services, waste  # noqa: F401 (personal: its hole)
from planner.banquets.names import TAGS, category_name, tag_labels
from planner.errors import domain_errors_go_to, show_on_form
from planner.events.models import Event
from planner.events.queries import load_event
from planner.events.timing import has_ended
from planner.exceptions import DomainError
from planner.extensions import db
from planner.inputs import optional_id

bp = Blueprint("banquets", __name__)


@bp.app_context_processor
def _template_helpers():
    return {"category_name": category_name, "tag_labels": tag_labels, "dish_tags": TAGS}


def _event(event_id: int) -> Event:
    """The event, if the current user may see it (404 otherwise)."""
    event = load_event(event_id)
    if event is None or not (event.is_public or permissions.can_manage_event(event)):
        abort(404)
    return event


def _managed(event_id: int) -> Event:
    """The event, if the current user may manage it (403 otherwise)."""
    event = load_event(event_id) or abort(404)
    if not permissions.can_manage_event(event):
        abort(403)
    return event


def _plan(event: Event):
    return plans.plan_of(event) or abort(404)


def _claim_form(plan, claim) -> forms.ClaimForm:
    form = forms.ClaimForm()
    form.category.choices = [(c.id, category_name(c)) for c in plan.categories]
    if request.method == "GET" and claim is not None:
        form.category.data, form.name.data = claim.category_id, claim.name
        form.plates.data, form.tags.data = claim.plates, claim.tag_codes
    elif request.method == "GET":
        form.plates.data = 1
    return form


def _dishes_page(event: Event, plan, form, claim):
    manages = permissions.can_manage_event(event)
    return render_template(
        "banquets/dishes.html",
        event=event,
        plan=plan,
        menu=services.menu_of(event, plan),
        form=form,
        claim=claim,
        booking=services.household_booking(event, current_user),
        table_number=seating.table_number_of(event, current_user),
        claims_open=services.claims_open(event),
        closes_at=services.claims_close_at(event),
        manages_event=manages,
        leftovers=waste.leftovers_of(event),
        leftovers_form=(
            forms.LeftoversForm(leftover_plates=plan.leftover_plates, note=plan.leftovers_note)
            if manages and has_ended(event)
            else None
        ),
    )


@bp.get("/events/<int:event_id>/dishes")
def dishes(event_id: int):
    event = _event(event_id)
    plan = plans.plan_of(event)
    if plan is None:
        if not (permissions.can_manage_event(event) and plans.takes_dishes(event)):
            abort(404)
        return render_template("banquets/off.html", event=event)
    claim = services.claim_of(event, current_user)
    return _dishes_page(event, plan, _claim_form(plan, claim), claim)


@bp.post("/events/<int:event_id>/dishes")
@login_required
def claim(event_id: int):
    event = _event(event_id)
    plan = _plan(event)
    mine = services.claim_of(event, current_user)
    form = _claim_form(plan, mine)
    if form.validate_on_submit():
        try:
            services.claim_dish(
                event,
                current_user._get_current_object(),
                category_id=form.category.data,
                name=form.name.data,
                plates=form.plates.data,
                tags=form.tags.data or [],
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("Thank you: your dish is on the menu."), "success")
            return redirect(url_for("banquets.dishes", event_id=event.id))
    return _dishes_page(event, plans.plan_of(event), form, services.claim_of(event, current_user))


@bp.post("/events/<int:event_id>/dishes/withdraw")
@login_required
@domain_errors_go_to("banquets.dishes", "event_id")
def withdraw(event_id: int):
    event = _event(event_id)
    services.withdraw_dish(event, current_user._get_current_object())
    db.session.commit()
    flash(_("Your dish is withdrawn."), "info")
    return redirect(url_for("banquets.dishes", event_id=event.id))


@bp.post("/events/<int:event_id>/dishes/enable")
@login_required
@domain_errors_go_to("events.detail", "event_id")
def enable(event_id: int):
    event = _managed(event_id)
    plans.enable_dishes(event)
    db.session.commit()
    return redirect(url_for("banquets.plan", event_id=event.id))


@bp.route("/events/<int:event_id>/dishes/plan", methods=["GET", "POST"])
@login_required
def plan(event_id: int):
    event = _managed(event_id)
    menu_plan = _plan(event)
    form = forms.PlanForm(obj=menu_plan)
    if form.validate_on_submit():
        try:
            plans.save_plan(
                event,
                lines=form.categories.data,
                seats_per_table=form.seats_per_table.data,
                tables_planned=form.tables_planned.data,
                extra_plates=form.extra_plates.data,
                notes=form.notes.data or "",
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The menu plan is saved."), "success")
            return redirect(url_for("banquets.dishes", event_id=event.id))
    elif request.method == "GET":
        form.categories.data = plans.menu_lines(menu_plan)
    return render_template("banquets/plan.html", event=event, form=form)


@bp.post("/events/<int:event_id>/dishes/leftovers")
@login_required
@domain_errors_go_to("banquets.dishes", "event_id")
def leftovers(event_id: int):
    event = _managed(event_id)
    _plan(event)
    form = forms.LeftoversForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "warning")
        return redirect(url_for("banquets.dishes", event_id=event.id))
    waste.record_leftovers(event, form.leftover_plates.data, form.note.data or "")
    db.session.commit()
    flash(_("Leftovers are recorded."), "success")
    return redirect(url_for("banquets.dishes", event_id=event.id))


@bp.get("/events/<int:event_id>/dishes/print")
def print_menu(event_id: int):
    event = _event(event_id)
    menu_plan = _plan(event)
    return render_template(
        "banquets/print_menu.html",
        event=event,
        menu=services.menu_of(event, menu_plan),
        manages_event=permissions.can_manage_event(event),
    )


# ---------------------------------------------------------------- tables


@bp.get("/events/<int:event_id>/tables")
@login_required
def tables(event_id: int):
    event = _managed(event_id)
    menu_plan = _plan(event)
    return render_template(
        "banquets/tables.html",
        event=event,
        plan=menu_plan,
        tables=seating.table_plan(event),
        move_form=forms.MoveForm(),
    )


@bp.post("/events/<int:event_id>/tables/assign")
@login_required
@domain_errors_go_to("banquets.tables", "event_id")
def assign(event_id: int):
    event = _managed(event_id)
    seated = seating.assign_tables(event, afresh=request.form.get("afresh") == "1")
    db.session.commit()
    flash(_("%(num)d households seated.", num=seated), "success")
    return redirect(url_for("banquets.tables", event_id=event.id))


@bp.post("/events/<int:event_id>/tables/move")
@login_required
@domain_errors_go_to("banquets.tables", "event_id")
def move(event_id: int):
    event = _managed(event_id)
    form = forms.MoveForm()
    booking_id = optional_id(form.booking.data)
    if not form.validate_on_submit() or booking_id is None:
        flash(_("Enter a table number from 1 to 999."), "warning")
        return redirect(url_for("banquets.tables", event_id=event.id))
    seating.move_household(event, booking_id, form.table.data)
    db.session.commit()
    flash(_("Moved to table %(number)d.", number=form.table.data), "success")
    return redirect(url_for("banquets.tables", event_id=event.id))


@bp.get("/events/<int:event_id>/tables/print")
@login_required
def print_tables(event_id: int):
    event = _managed(event_id)
    _plan(event)
    return render_template(
        "banquets/print_tables.html", event=event, tables=seating.table_plan(event)
    )
