"""Public directory pages, team membership, and the administrator's directory pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from planner import organisations, pagecache, permissions
from planner.directory import forms, services
from planner.directory.models import (
    Community,
    Department,
    District,
    JoinPolicy,
    MembershipStatus,
    PartnerOrganisation,
    Partnership,
    Street,
    TeamMembership,
    TeamRole,
    VolunteerTeam,
)
from planner.errors import domain_errors_go_to, show_on_form
from planner.events.queries import events_version, upcoming_and_recent
from planner.exceptions import DomainError
from planner.extensions import db, login_manager
from planner.stats import services as stats

bp = Blueprint("directory", __name__)


# ---------------------------------------------------------------- public pages


def _events_of(organisation) -> dict:
    """The upcoming and recent events a directory page lists (two queries and their loads)."""
    upcoming, recent = upcoming_and_recent(organisation)
    return {"upcoming_events": upcoming, "recent_events": recent}


# Directory pages list upcoming events; what else they show (names, member counts) may be a cache
# lifetime old for visitors.
_cached_for_visitors = pagecache.cached_for_visitors(lambda **_ids: events_version())


@bp.get("/districts")
@_cached_for_visitors
def districts():
    return render_template("directory/districts.html", districts=services.active_districts())


@bp.get("/districts/<int:district_id>")
@_cached_for_visitors
def district(district_id: int):
    item = services.district_with_places(district_id) or abort(404)
    return render_template(
        "directory/district.html",
        district=item,
        headline=stats.headline(item),
        **_events_of(item),
    )


@bp.get("/streets/<int:street_id>")
@_cached_for_visitors
def street(street_id: int):
    item = services.street_with_communities(street_id) or abort(404)
    return render_template("directory/street.html", street=item, **_events_of(item))


@bp.get("/communities/<int:community_id>")
@_cached_for_visitors
def community(community_id: int):
    item = services.community_with_convention(community_id) or abort(404)
    return render_template(
        "directory/community.html",
        community=item,
        partnerships=services.active_partnerships_of(item),
        teams=services.active_teams_of(item),
        **_events_of(item),
    )


@bp.get("/departments")
@_cached_for_visitors
def departments():
    return render_template(
        "directory/departments.html",
        departments=services.active_departments(),
        partners=services.active_partners(),
    )


@bp.get("/departments/<int:department_id>")
@_cached_for_visitors
def department(department_id: int):
    item = db.get_or_404(Department, department_id)
    return render_template(
        "directory/department.html",
        department=item,
        partnerships=services.active_partnerships_of(item),
        teams=services.active_teams_of(item),
        **_events_of(item),
    )


@bp.get("/partners/<int:partner_id>")
@_cached_for_visitors
def partner(partner_id: int):
    item = db.get_or_404(PartnerOrganisation, partner_id)
    return render_template("directory/partner.html", partner=item, **_events_of(item))


@bp.get("/teams")
@_cached_for_visitors
def teams():
    return render_template("directory/teams.html", page=services.active_teams_page())


def _load_team(team_id: int) -> VolunteerTeam:
    return services.load_team(team_id) or abort(404)


def _membership_of(team: VolunteerTeam) -> TeamMembership | None:
    if not current_user.is_authenticated:
        return None
    return services.membership_of(team, current_user)


@bp.get("/teams/<int:team_id>")
@_cached_for_visitors
def team(team_id: int):
    item = _load_team(team_id)
    return render_template(
        "directory/team.html",
        team=item,
        leaders=services.team_leaders(item),
        member_count=services.active_member_count(item),
        membership=_membership_of(item),
        can_manage=permissions.can_manage(item),
        **_events_of(item),
    )


@bp.post("/teams/<int:team_id>/join")
@login_required
@domain_errors_go_to("directory.team", "team_id")
def join_team(team_id: int):
    item = _load_team(team_id)
    membership = services.request_membership(item, current_user)
    db.session.commit()
    if membership.status is MembershipStatus.ACTIVE:
        flash(_("You have joined %(team)s.", team=item.name), "success")
    else:
        flash(_("Your request to join has been sent to the team leader."), "success")
    return redirect(url_for("directory.team", team_id=item.id))


@bp.post("/teams/<int:team_id>/leave")
@login_required
@domain_errors_go_to("directory.team", "team_id")
def leave_team(team_id: int):
    item = _load_team(team_id)
    membership = _membership_of(item) or abort(404)
    services.leave(membership)
    db.session.commit()
    flash(_("You have left %(team)s.", team=item.name), "info")
    return redirect(url_for("directory.team", team_id=item.id))


@bp.get("/teams/<int:team_id>/members")
@login_required
def team_members(team_id: int):
    item = _load_team(team_id)
    is_member = (m := _membership_of(item)) is not None and m.status is MembershipStatus.ACTIVE
    manage = permissions.can_manage(item)
    if not (manage or is_member):
        abort(403)
    memberships = services.team_memberships(item, active_only=not manage)
    return render_template(
        "directory/team_members.html", team=item, memberships=memberships, can_manage=manage
    )


@bp.post(
    "/teams/<int:team_id>/members/<int:membership_id>/<any(approve,decline,lead,unlead):action>"
)
@login_required
@domain_errors_go_to("directory.team_members", "team_id")
def decide_member(team_id: int, membership_id: int, action: str):
    item = _load_team(team_id)
    if not permissions.can_manage(item):
        abort(403)
    membership = services.team_membership(item, membership_id) or abort(404)
    if action in ("approve", "decline"):
        services.decide_membership(current_user, membership, approve=action == "approve")
    else:
        services.set_role(
            current_user, membership, TeamRole.LEADER if action == "lead" else TeamRole.MEMBER
        )
    db.session.commit()
    flash(_("The team roster has been updated."), "success")
    return redirect(url_for("directory.team_members", team_id=item.id))


# ---------------------------------------------------------------- administrator pages


@bp.before_request
def _guard_admin():
    if request.endpoint and request.endpoint.startswith("directory.admin_"):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not permissions.is_admin():
            abort(403)
    return None


def _choices(model, label=lambda o: o.name, options=()) -> list[tuple[int, str]]:
    return [(o.id, label(o)) for o in services.active_rows(model, options)]


def _street_label(street: Street) -> str:
    return f"{street.district.name} · {street.name}"


def _community_label(community: Community) -> str:
    return f"{community.street.district.name} · {community.street.name} · {community.name}"


def _street_choices():
    return _choices(Street, _street_label, options=[joinedload(Street.district)])


def _community_choices():
    return _choices(
        Community,
        _community_label,
        options=[joinedload(Community.street).joinedload(Street.district)],
    )


@dataclass(frozen=True)
class Kind:
    """How the administrator lists, edits and saves one kind of directory record."""

    model: Any
    form: Any
    title: Any
    prepare: Any = None  # fill in select choices
    load: Any = None  # copy special fields from the record into the form
    apply: Any = None  # copy special fields from the form into the record
    describe: Any = None  # the second column of the list
    options: tuple = ()


def _prepare_street(form):
    form.district_id.choices = _choices(District)


def _prepare_community(form):
    form.street_id.choices = _street_choices()


def _load_community(form, obj):
    form.convention.data = "\n".join(item.text for item in obj.convention_items)


def _apply_community(form, obj):
    services.replace_convention(obj, (form.convention.data or "").splitlines())


CITY = "city"  # the owner key of a city-wide team


def _prepare_team(form):
    form.owner_key.choices = (
        [(CITY, _("The city (city-wide team)"))]
        + [(organisations.format_key("department", i), n) for i, n in _choices(Department)]
        + [(organisations.format_key("community", i), n) for i, n in _community_choices()]
    )


def _load_team_form(form, obj):
    owner = obj.organisation_kind_and_id
    form.owner_key.data = organisations.format_key(*owner) if owner else CITY
    form.join_policy.data = obj.join_policy.value


def _apply_team(form, obj):
    obj.organisation_kind_and_id = organisations.parse_key(
        form.owner_key.data, kinds=VolunteerTeam.organisation_kinds
    )
    obj.join_policy = JoinPolicy(form.join_policy.data)


def _describe_team(obj):
    return obj.owner.name if obj.owner else _("City-wide")


def _prepare_partnership(form):
    form.department_id.choices = _choices(Department)
    form.community_id.choices = _community_choices()


KINDS: dict[str, Kind] = {
    "districts": Kind(District, forms.DistrictForm, _l("Districts")),
    "streets": Kind(
        Street,
        forms.StreetForm,
        _l("Streets"),
        prepare=_prepare_street,
        describe=lambda o: o.district.name,
        options=(joinedload(Street.district),),
    ),
    "communities": Kind(
        Community,
        forms.CommunityForm,
        _l("Communities"),
        prepare=_prepare_community,
        load=_load_community,
        apply=_apply_community,
        describe=lambda o: _street_label(o.street),
        options=(joinedload(Community.street).joinedload(Street.district),),
    ),
    "departments": Kind(Department, forms.DepartmentForm, _l("Departments")),
    "partners": Kind(PartnerOrganisation, forms.PartnerForm, _l("Partner organisations")),
    "teams": Kind(
        VolunteerTeam,
        forms.TeamForm,
        _l("Volunteer service teams"),
        prepare=_prepare_team,
        load=_load_team_form,
        apply=_apply_team,
        describe=_describe_team,
        options=(joinedload(VolunteerTeam.department), joinedload(VolunteerTeam.community)),
    ),
}


def _kind(kind: str) -> Kind:
    return KINDS.get(kind) or abort(404)


@bp.get("/admin/directory/<kind>")
def admin_list(kind: str):
    spec = _kind(kind)
    page = services.records_page(spec.model, spec.options)
    return render_template(
        "directory/admin_list.html", kind=kind, spec=spec, page=page, kinds=KINDS
    )


@bp.route("/admin/directory/<kind>/new", methods=["GET", "POST"])
@bp.route("/admin/directory/<kind>/<int:item_id>/edit", methods=["GET", "POST"])
def admin_edit(kind: str, item_id: int | None = None):
    spec = _kind(kind)
    obj = db.get_or_404(spec.model, item_id) if item_id else None
    form = spec.form(obj=obj)
    if spec.prepare:
        spec.prepare(form)
    if obj is not None and spec.load and request.method == "GET":
        spec.load(form, obj)
    if form.validate_on_submit():
        target = obj or spec.model()
        with db.session.no_autoflush:
            form.populate_obj(target)
            if spec.apply:
                spec.apply(form, target)
        try:
            services.save(current_user, target, f"{kind}.{'update' if obj else 'create'}")
        except DomainError as exc:
            show_on_form(form, exc, "name")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("directory.admin_list", kind=kind))
    return render_template("directory/admin_edit.html", kind=kind, spec=spec, form=form, obj=obj)


@bp.post("/admin/directory/<kind>/<int:item_id>/<any(archive,restore):action>")
def admin_archive(kind: str, item_id: int, action: str):
    spec = _kind(kind)
    obj = db.get_or_404(spec.model, item_id)
    services.set_archived(current_user, obj, archived=action == "archive")
    db.session.commit()
    flash(_("Archived.") if action == "archive" else _("Restored."), "success")
    return redirect(url_for("directory.admin_list", kind=kind))


@bp.get("/admin/partnerships")
def admin_partnerships():
    return render_template(
        "directory/admin_partnerships.html", partnerships=services.all_partnerships(), kinds=KINDS
    )


@bp.route("/admin/partnerships/new", methods=["GET", "POST"])
@bp.route("/admin/partnerships/<int:item_id>/edit", methods=["GET", "POST"])
def admin_partnership_edit(item_id: int | None = None):
    obj = db.get_or_404(Partnership, item_id) if item_id else None
    form = forms.PartnershipForm(obj=obj)
    _prepare_partnership(form)
    if form.validate_on_submit():
        target = obj or Partnership()
        with db.session.no_autoflush:
            form.populate_obj(target)
        try:
            services.save_partnership(current_user, target, created=obj is None)
        except DomainError as exc:
            show_on_form(form, exc, "community_id")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("directory.admin_partnerships"))
    return render_template("directory/admin_partnership_edit.html", form=form, obj=obj, kinds=KINDS)


@bp.post("/admin/partnerships/<int:item_id>/<any(archive,restore):action>")
def admin_partnership_archive(item_id: int, action: str):
    obj = db.get_or_404(Partnership, item_id)
    services.set_archived(current_user, obj, archived=action == "archive")
    db.session.commit()
    flash(_("Archived.") if action == "archive" else _("Restored."), "success")
    return redirect(url_for("directory.admin_partnerships"))


@bp.app_context_processor
def _directory_kinds():
    return {"directory_kinds": KINDS}
