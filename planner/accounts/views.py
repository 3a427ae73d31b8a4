"""Register, log in, log out, profile and password."""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from planner import permissions
from planner.accounts import services
from planner.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from planner.extensions import db, limiter, limiter_address
from planner.i18n import LOCALE_COOKIE
from planner.urls import safe_next

bp = Blueprint("accounts", __name__)


def _address_and_phone_key() -> str:
    try:
        phone = services.normalise_phone(request.form.get("phone", ""))
    except services.InvalidPhone:
        phone = "invalid"
    return f"{limiter_address()}/{phone}"


def _failed(response) -> bool:
    # A wrong number or password shows the form again (200); a refused (429) try does not count,
    # or hammering one account would use up the whole address's budget.
    return response.status_code == 200


def _account_limit() -> str:
    return current_app.config["PLANNER_LOGIN_LIMIT"]


def _address_limit() -> str:
    return current_app.config["PLANNER_ADDRESS_LIMIT"]


# One budget per address, shared by failed log-ins and registrations (README, "Limits").
limit_address_failures = limiter.shared_limit(
    _address_limit, scope="account-address", methods=["POST"], deduct_when=_failed
)
limit_address = limiter.shared_limit(_address_limit, scope="account-address", methods=["POST"])


@bp.route("/login", methods=["GET", "POST"])
@limit_address_failures
@limiter.limit(
    _account_limit,
    methods=["POST"],
    key_func=_address_and_phone_key,
    deduct_when=_failed,
    scope="login-account",
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.phone.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            # Those who organise or lead a team start their day on the desk.
            landing = "desk.desk" if permissions.acts_for_anyone(user) else "main.home"
            return redirect(safe_next(landing))
        flash(_("The mobile number or password is not correct."), "danger")
    return render_template("accounts/login.html", form=form, next=request.args.get("next", ""))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_all_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@limit_address
def register():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = RegisterForm()
    if form.validate_on_submit():
        # A taken number gets the same answer as a new one: the page must not tell whose it is.
        with suppress(services.PhoneTaken):
            services.register_user(
                form.phone.data,
                form.real_name.data,
                form.password.data,
                nickname=form.nickname.data or "",
                locale=request.cookies.get(LOCALE_COOKIE),
            )
        db.session.commit()
        flash(
            _(
                "If this number is new, your account is ready: log in with it now. If it already "
                "has an account, log in with that account's password."
            ),
            "success",
        )
        return redirect(url_for("accounts.login", next=request.args.get("next") or None))
    return render_template("accounts/register.html", form=form, next=request.args.get("next", ""))


def _has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.save_profile(
            current_user,
            form.real_name.data,
            form.nickname.data or "",
            form.email.data or "",
            form.locale.data,
        )
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm(account_phone=current_user.phone)
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.WrongPassword as exc:
            form.current_password.errors.append(str(exc.message))
        else:
            db.session.commit()
            # Every other session has ended with the old token; this one carries on with the new.
            login_user(current_user, remember=_has_remember_cookie())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)
