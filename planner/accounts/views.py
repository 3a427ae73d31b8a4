"""Register, log in, log out, profile and password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from planner.accounts import services
from planner.accounts.forms import LoginForm, PasswordForm, ProfileForm, RegisterForm
from planner.extensions import db, limiter
from planner.i18n import LOCALE_COOKIE
from planner.urls import safe_next

bp = Blueprint("accounts", __name__)


def _login_phone_key() -> str:
    try:
        return "phone:" + services.normalise_phone(request.form.get("phone", ""))
    except services.InvalidPhone:
        return "phone:invalid"


def _failed(response) -> bool:
    return response.status_code != 302


def _account_limit() -> str:
    return current_app.config["PLANNER_LOGIN_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: "30 per minute", methods=["POST"], deduct_when=_failed, scope="login-address"
)
@limiter.limit(
    _account_limit,
    methods=["POST"],
    key_func=_login_phone_key,
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
            return redirect(safe_next())
        flash(_("The mobile number or password is not correct."), "danger")
    return render_template("accounts/login.html", form=form, next=request.args.get("next", ""))


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.phone.data,
                form.real_name.data,
                form.password.data,
                nickname=form.nickname.data or "",
                locale=request.cookies.get(LOCALE_COOKIE),
            )
        except services.PhoneTaken as exc:
            form.phone.errors.append(str(exc.message))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(safe_next())
    return render_template("accounts/register.html", form=form, next=request.args.get("next", ""))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.real_name = form.real_name.data
        current_user.nickname = form.nickname.data or ""
        current_user.email = form.email.data or None
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.WrongPassword as exc:
            form.current_password.errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)
