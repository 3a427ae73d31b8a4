"""Service points and the kindness shop: /my/points, the shop's public page, redeeming on the
phone, the pick-up code, and the keeper's counter, shelf, rules and monthly report."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from planner import exports, organisations, permissions
from planner.errors import domain_errors_go_back_to, show_on_form
from planner.exceptions import DomainError
from planner.extensions import db
from planner.points import forms
from planner.points import services as ledger
from planner.points import shop as shelf
from planner.points.models import EntryReason, RedemptionStatus, Shop
from planner.signups.attendance import checkin_qr
from planner.timeutil import local_now
from planner.urls import public_url

bp = Blueprint("points", __name__, cli_group=None)

REASONS = {
    EntryReason.SERVICE: _l("Service hours"),
    EntryReason.AUDIENCE: _l("Attended as audience"),
    EntryReason.QUIZ: _l("Quiz passed"),
    EntryReason.REDEEMED: _l("Redeemed"),
    EntryReason.RELEASED: _l("Returned (not picked up)"),
    EntryReason.EXPIRED: _l("Expired"),
}
STATUSES = {
    RedemptionStatus.WAITING: _l("Waiting for pick-up"),
    RedemptionStatus.HANDED_OVER: _l("Handed over"),
    RedemptionStatus.RELEASED: _l("Released"),
}


def shop_url(shop: Shop) -> str:
    kind, ident = shop.organisation_kind_and_id
    return url_for(f"points.{kind}_shop", **{f"{kind}_id": ident})


@bp.app_context_processor
def _helpers():
    return {
        "points_reason": lambda reason: str(REASONS[reason]),
        "redemption_status": lambda status: str(STATUSES[status]),
        "shop_url": shop_url,
    }


def _organisation(kind: str, ident: int):
    return organisations.from_key(organisations.format_key(kind, ident), Shop.organisation_kinds)


def _kept_shop(shop_id: int) -> Shop:
    """The shop, if the current user keeps it (an organiser of its organisation)."""
    shop = ledger.load_shop(shop_id) or abort(404)
    if not permissions.can_manage(shop.organisation):
        abort(403)
    return shop


# ---------------------------------------------------------------- public and volunteer pages


def _shop_page(kind: str, ident: int):
    organisation = _organisation(kind, ident) or abort(404)
    shop = ledger.shop_of(organisation)
    items = shelf.items_of(shop, in_stock_only=True) if shop else []
    balance = (
        ledger.balance_of(current_user.id, shop.id)
        if shop and current_user.is_authenticated
        else None
    )
    return render_template(
        "points/shop.html",
        organisation=organisation,
        shop=shop,
        items=items,
        balance=balance,
        keeper=permissions.can_manage(organisation),
    )


@bp.get("/communities/<int:community_id>/shop")
def community_shop(community_id: int):
    return _shop_page("community", community_id)


@bp.get("/streets/<int:street_id>/shop")
def street_shop(street_id: int):
    return _shop_page("street", street_id)


@bp.get("/partners/<int:partner_id>/donations")
def donations(partner_id: int):
    """What a donor's items became: per shop and item, the stock left and the number handed out."""
    partner = shelf.load_partner(partner_id) or abort(404)
    return render_template(
        "points/donations.html", partner=partner, items=shelf.donations_of(partner)
    )


@bp.post("/<any(communities,streets):scope>/<int:ident>/shop/open")
@login_required
def open_shop(scope: str, ident: int):
    kind = "community" if scope == "communities" else "street"
    organisation = _organisation(kind, ident) or abort(404)
    if not permissions.can_manage(organisation):
        abort(403)
    shop = ledger.open_shop(organisation)
    db.session.commit()
    flash(_("The kindness shop is open. Set its earning rules and list its items."), "success")
    return redirect(url_for("points.manage", shop_id=shop.id))


@bp.post("/shops/<int:shop_id>/items/<int:item_id>/redeem")
@login_required
def redeem(shop_id: int, item_id: int):
    shop = ledger.load_shop(shop_id) or abort(404)
    domain_errors_go_back_to(shop_url(shop))
    shelf.load_item(shop, item_id) or abort(404)
    redemption = shelf.redeem(current_user, shop, item_id)
    db.session.commit()
    flash(_("Redeemed. Show this code at the shop's counter to pick the item up."), "success")
    return redirect(url_for("points.redemption", redemption_id=redemption.id))


@bp.get("/my/points")
@login_required
def mine():
    return render_template(
        "points/mine.html",
        balances=ledger.balances_of(current_user),
        entries=ledger.ledger_of(current_user),
        due=ledger.due_to_expire(current_user),
        redemptions=shelf.redemptions_of(current_user),
    )


@bp.get("/my/redemptions/<int:redemption_id>")
@login_required
def redemption(redemption_id: int):
    item = shelf.load_redemption(redemption_id) or abort(404)
    if item.user_id != current_user.id:
        abort(404)
    url = public_url("points.pickup", shop_id=item.shop_id, token=shelf.pickup_token(item))
    svg = checkin_qr(url).svg_inline(scale=6, dark="#000", light="#fff", omitsize=True)
    return render_template("points/redemption.html", redemption=item, svg=svg)


# ---------------------------------------------------------------- the keeper


@bp.get("/shops/<int:shop_id>/manage")
@login_required
def manage(shop_id: int):
    shop = _kept_shop(shop_id)
    rules = ledger.rules_of(shop)
    rule_form = forms.RuleForm(obj=rules[0] if rules else None)
    rule_form.effective_on.data = local_now().date()  # a new version starts today at the earliest
    return _manage_page(shop, rules, rule_form)


def _manage_page(shop: Shop, rules, rule_form):
    """The keeper's page: counter, waiting redemptions, stock, rules and settings."""
    return render_template(
        "points/manage.html",
        shop=shop,
        items=shelf.items_of(shop),
        waiting=shelf.waiting_at(shop),
        rules=rules,
        rule_form=rule_form,
        code_form=forms.CodeForm(),
        shop_form=forms.ShopForm(obj=shop),
        month=local_now().strftime("%Y-%m"),
    )


@bp.post("/shops/<int:shop_id>/settings")
@login_required
def settings(shop_id: int):
    shop = _kept_shop(shop_id)
    form = forms.ShopForm()
    if form.validate_on_submit():
        shelf.set_release_days(current_user, shop, form.release_after_days.data)
        db.session.commit()
        flash(_("Saved."), "success")
    else:
        flash(_("Enter a number of days from 1 to 90."), "warning")
    return redirect(url_for("points.manage", shop_id=shop.id))


@bp.post("/shops/<int:shop_id>/rules")
@login_required
def set_rules(shop_id: int):
    shop = _kept_shop(shop_id)
    form = forms.RuleForm()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in forms.RULE_FIELDS}
        try:
            ledger.set_rule(current_user, shop, form.effective_on.data, **values)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(_("The earning rules are saved."), "success")
            return redirect(url_for("points.manage", shop_id=shop.id))
    return _manage_page(shop, ledger.rules_of(shop), form)


def _item_form(item=None) -> forms.ItemForm:
    form = forms.ItemForm(obj=item)
    form.donor.choices = [("", _("No donor"))] + [(str(p.id), p.name) for p in shelf.partners()]
    if item is not None and request.method == "GET":
        form.donor.data = str(item.donor_id or "")
    return form


@bp.route("/shops/<int:shop_id>/items/new", methods=["GET", "POST"])
@bp.route("/shops/<int:shop_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(shop_id: int, item_id: int | None = None):
    shop = _kept_shop(shop_id)
    item = None if item_id is None else (shelf.load_item(shop, item_id) or abort(404))
    form = _item_form(item)
    if form.validate_on_submit():
        shelf.save_item(
            current_user,
            shop,
            item,
            name=form.name.data,
            icon=form.icon.data,
            price=form.price.data,
            stock=form.stock.data,
            donor_id=int(form.donor.data) if form.donor.data else None,
            monthly_limit=form.monthly_limit.data,
            active=form.active.data,
        )
        db.session.commit()
        flash(_("The item is saved."), "success")
        return redirect(url_for("points.manage", shop_id=shop.id))
    return render_template("points/item_form.html", shop=shop, item=item, form=form)


@bp.post("/shops/<int:shop_id>/counter")
@login_required
def counter(shop_id: int):
    shop = _kept_shop(shop_id)
    domain_errors_go_back_to(url_for("points.manage", shop_id=shop.id))
    form = forms.CodeForm()
    if not form.validate_on_submit():
        raise shelf.CodeInvalid()
    found = shelf.find_by_code(shop, form.code.data)
    return redirect(url_for("points.pickup", shop_id=shop.id, token=shelf.pickup_token(found)))


@bp.route("/shops/<int:shop_id>/pickup/<token>", methods=["GET", "POST"])
@login_required
def pickup(shop_id: int, token: str):
    """Where the pick-up QR code points: the keeper (scanning with the phone's camera) sees who
    and what, and hands it over."""
    shop = _kept_shop(shop_id)
    domain_errors_go_back_to(url_for("points.manage", shop_id=shop.id))
    found = shelf.find_by_token(shop, token)
    if request.method == "POST":
        shelf.hand_over(current_user, found)
        db.session.commit()
        flash(_("Handed over: %(item)s.", item=found.item.name), "success")
        return redirect(url_for("points.manage", shop_id=shop.id))
    return render_template("points/pickup.html", shop=shop, redemption=found, token=token)


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@bp.get("/shops/<int:shop_id>/report.xlsx")
@login_required
def report(shop_id: int):
    shop = _kept_shop(shop_id)
    match = MONTH.match(request.args.get("month", ""))
    if not match or not (2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12):
        abort(404)
    month = date(int(match[1]), int(match[2]), 1)
    data = shelf.month_report(shop, month)
    summary = exports.Sheet(
        _("Points"),
        (
            _("Month"),
            _("Points issued"),
            _("Points redeemed"),
            _("Points expired"),
            _("Points outstanding"),
        ),
        [(month.strftime("%Y-%m"), data.issued, data.redeemed, data.expired, data.outstanding)],
    )
    donors = exports.Sheet(
        _("Handed out"), (_("Donated by"), _("Goods"), _("Handed out")), data.by_donor
    )
    return exports.download(f"shop-{shop.id}-{month:%Y-%m}", "xlsx", summary, donors)
