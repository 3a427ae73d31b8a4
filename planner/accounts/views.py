"""Register, log in, log out, profile and password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from planner import permissions
from planner.accounts import codes, services
from planner.accounts.forms import (
    CodeForm,
    LoginForm,
    NewPasswordForm,
    PasswordForm,
    PhoneForm,
    ProfileForm,
    RegisterForm,
    TakeOverForm,
)
from planner.accounts.models import CodePurpose, mask_phone
from planner.errors import domain_errors_go_to, show_on_form
from planner.exceptions import DomainError
from planner.extensions import db, limiter, limiter_address
from planner.i18n import LOCALE_COOKIE
from planner.notifications import services as notifications
from planner.urls import safe_next

bp = Blueprint("accounts", __name__)
bp.add_app_template_filter(mask_phone, "mask_phone")


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


def _code_number_key() -> str:
    # A mistyped number is counted against the address that typed it, not against a shared key.
    try:
        return services.normalise_phone(request.form.get("phone", ""))
    except services.InvalidPhone:
        return f"invalid/{limiter_address()}"


def _account_limit() -> str:
    return current_app.config["PLANNER_LOGIN_LIMIT"]


def _address_limit() -> str:
    return current_app.config["PLANNER_ADDRESS_LIMIT"]


# One budget per address, shared by failed log-ins and registrations (README, "Limits").
limit_address_failures = limiter.shared_limit(
    _address_limit, scope="account-address", methods=["POST"], deduct_when=_failed
)
# SMS codes asked for: per number, whatever the purpose, and per address (README, "Limits").
limit_codes_per_number = limiter.shared_limit(
    lambda: current_app.config["PLANNER_CODE_NUMBER_LIMIT"],
    scope="code-number",
    key_func=_code_number_key,
    methods=["POST"],
)
limit_codes_per_address = limiter.shared_limit(
    lambda: current_app.config["PLANNER_CODE_ADDRESS_LIMIT"], scope="code-address", methods=["POST"]
)


def _code_phone(purpose: CodePurpose) -> str | None:
    """The number a code was last asked for in this browser, for ``purpose`` (E.164)."""
    return session.get(f"code_phone_{purpose.value}")


def _remember_code_phone(purpose: CodePurpose, phone: str | None) -> None:
    if phone is None:
        session.pop(f"code_phone_{purpose.value}", None)
    else:
        session[f"code_phone_{purpose.value}"] = phone


def _next_arg() -> str:
    return request.args.get("next", "")


def _send_code(purpose: CodePurpose, back: str, template: str, user=None, **context):
    """Step 1 of every flow that proves a number: send a code to the number typed, whether or
    not it has an account (the same answer for both), then show step 2."""
    phone_form = PhoneForm()
    if not phone_form.validate_on_submit():
        return render_template(template, phone_form=phone_form, form=None, phone=None, **context)
    _remember_code_phone(purpose, phone_form.phone.data)
    note_id = codes.send_code(phone_form.phone.data, purpose, user=user)
    db.session.commit()
    notifications.send_now(note_id)
    flash(
        _("A code is on its way to %(number)s by SMS.", number=mask_phone(phone_form.phone.data)),
        "info",
    )
    return redirect(url_for(back, next=request.args.get("next") or None))


def _refused(form, error: DomainError) -> None:
    """Show why step 2 was refused; a wrong code's try is committed first, so it counts."""
    if isinstance(error, codes.CodeRefused):
        db.session.commit()
    show_on_form(form, error)


def _code_page(template: str, purpose: CodePurpose, form, **context):
    return render_template(
        template,
        phone_form=PhoneForm(formdata=None) if form is None else None,
        form=form,
        phone=_code_phone(purpose),
        **context,
    )


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
@limit_address_failures
def register():
    if current_user.is_authenticated:
        return redirect(safe_next())
    phone = _code_phone(CodePurpose.REGISTER)
    form = None if phone is None or "number" in request.args else RegisterForm(account_phone=phone)
    if form is not None and form.validate_on_submit():
        try:
            user = services.register_with_code(
                phone,
                form.code.data,
                form.real_name.data,
                form.password.data,
                nickname=form.nickname.data or "",
                locale=request.cookies.get(LOCALE_COOKIE),
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            _remember_code_phone(CodePurpose.REGISTER, None)
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(safe_next())
    return _code_page("accounts/register.html", CodePurpose.REGISTER, form, next=_next_arg())


@bp.post("/register/code")
@limit_codes_per_number
@limit_codes_per_address
@domain_errors_go_to("accounts.register")
def register_code():
    return _send_code(
        CodePurpose.REGISTER, "accounts.register", "accounts/register.html", next=_next_arg()
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@limit_address_failures
def forgot_password():
    phone = _code_phone(CodePurpose.RESET)
    form = (
        None if phone is None or "number" in request.args else NewPasswordForm(account_phone=phone)
    )
    if form is not None and form.validate_on_submit():
        try:
            user = services.reset_password(phone, form.code.data, form.password.data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            _remember_code_phone(CodePurpose.RESET, None)
            # Every other session has ended with the old token; this device logs in with the new.
            login_user(user)
            flash(_("Your password has been changed; you are logged in."), "success")
            return redirect(url_for("main.home"))
    return _code_page("accounts/forgot.html", CodePurpose.RESET, form)


@bp.post("/password/forgot/code")
@limit_codes_per_number
@limit_codes_per_address
@domain_errors_go_to("accounts.forgot_password")
def forgot_password_code():
    return _send_code(CodePurpose.RESET, "accounts.forgot_password", "accounts/forgot.html")


@bp.route("/takeover", methods=["GET", "POST"])
@limit_address_failures
def take_over():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    phone = _code_phone(CodePurpose.TAKEOVER)
    form = None if phone is None or "number" in request.args else TakeOverForm(account_phone=phone)
    if form is not None and form.validate_on_submit():
        try:
            user = services.take_over(
                phone, form.code.data, form.real_name.data, form.password.data
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            _remember_code_phone(CodePurpose.TAKEOVER, None)
            login_user(user)
            flash(_("The account is yours now: log in with this number from now on."), "success")
            return redirect(url_for("signups.mine"))
    return _code_page("accounts/takeover.html", CodePurpose.TAKEOVER, form)


@bp.post("/takeover/code")
@limit_codes_per_number
@limit_codes_per_address
@domain_errors_go_to("accounts.take_over")
def take_over_code():
    return _send_code(CodePurpose.TAKEOVER, "accounts.take_over", "accounts/takeover.html")


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


@bp.route("/account/phone", methods=["GET", "POST"])
@login_required
@limit_address_failures
def change_phone():
    phone = _code_phone(CodePurpose.CHANGE_PHONE)
    form = None if phone is None or "number" in request.args else CodeForm()
    if form is not None and form.validate_on_submit():
        try:
            note_id = services.change_phone(current_user, phone, form.code.data)
        except DomainError as exc:
            _refused(form, exc)
        else:
            db.session.commit()
            _remember_code_phone(CodePurpose.CHANGE_PHONE, None)
            if note_id is not None:
                notifications.send_now(note_id)
            flash(_("Your mobile number has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return _code_page("accounts/change_phone.html", CodePurpose.CHANGE_PHONE, form)


@bp.post("/account/phone/code")
@login_required
@limit_codes_per_number
@limit_codes_per_address
@domain_errors_go_to("accounts.change_phone")
def change_phone_code():
    return _send_code(
        CodePurpose.CHANGE_PHONE,
        "accounts.change_phone",
        "accounts/change_phone.html",
        user=current_user,
    )
