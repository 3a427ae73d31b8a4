"""Registration, authentication, passwords and organiser grants."""

from __future__ import annotations

from datetime import datetime

import phonenumbers
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from planner import organisations
from planner.accounts import codes
from planner.accounts.models import CodePurpose, OrganiserGrant, User, mask_phone, new_session_token
from planner.audit import services as audit
from planner.database import insert_once, savepoint
from planner.exceptions import DomainError
from planner.extensions import db
from planner.notifications import services as notifications
from planner.timeutil import utcnow

PASSWORD_MIN = 8
PEOPLE_PER_PAGE = 50
# The privacy notice in force (templates/main/privacy*.html); registration records it per person.
PRIVACY_NOTICE_VERSION = "2026-11-30"

# The passwords guessed first, from published leak rankings (Chinese and international); compared
# in lower case. Short ones are refused by length anyway and are kept for the record.
COMMON_PASSWORDS = frozenset(
    """
    123456 12345678 123456789 1234567890 12345 1234567 123123 123123123 123321 112233 111111
    11111111 000000 00000000 666666 66666666 888888 88888888 999999 99999999 555555 55555555
    777777 77777777 222222 22222222 333333 33333333 444444 44444444 121212 12121212 123654
    147258 147258369 159357 159753 159753258 321321 654321 87654321 987654321 9876543210
    123456a 123456aa 123456abc 12345678a 123456789a a123456 a1234567 a12345678 a123456789
    aa123456 aa12345678 abc123 abc123456 abc12345 abcd1234 abcd123456 abcdefg abcdefgh
    a1b2c3d4 a1b2c3d4e5 1a2b3c4d 1q2w3e4r 1q2w3e4r5t 1qaz2wsx 1qazxsw2 2wsx3edc qazwsx
    qazwsxedc qweasd qweasdzxc qwe123 qwe123456 qwer1234 qwerty qwerty123 qwertyui qwertyuiop
    asdfgh asdfghjk asdfghjkl asd123456 zxcvbn zxcvbnm zxcvbnm123 q1w2e3r4 1234qwer
    password password1 password123 passw0rd p@ssw0rd p@ssword admin admin123 admin888
    administrator root123 test1234 test123456 iloveyou iloveyou1 loveyou 520520 5201314
    52013140 520131400 1314520 13145200 1314521 5211314 woaini woaini1314 woaini520
    woaini521 woaini123 woaini1234 woainimama woainibaba aini1314 wo5201314 love1314
    zhang123 wang123456 li123456 liu123456 chen123456 zhangwei wangwei xiaoming
    yangyang lili1234 qq123456 qq5201314 qq1234567 taobao weixin wechat123 baidu123
    huawei123 xiaomi123 china123 china1234 zhongguo beijing shanghai qingdao qingdao123
    sunshine princess football baseball dragon monkey master letmein welcome welcome1
    whatever trustno1 shadow superman batman starwars computer internet michael jordan23
    hello123 hello1234 hellokitty 11223344 12344321 1234abcd abcd4321 88888888a
    aaaaaa aaaaaaaa aaa111 aaa123456 a11111 a111111 a11111111 q123456 q1234567
    w123456 z123456 123qwe 123qweasd 123abc 123456qq 12345qwert 147852 147852369
    258369 258456 741852963 963852741 369258147 13579 1357924680 2468013579 7758521
    7758258 1234554321 1122334455 110110 110120 119119 10086 12315 168168 16881688
    518518 888999 666888 886886 admin1234 root1234 user1234 guest1234 welcome123
    """.split()  # noqa: SIM905 - a word list reads better as text
)


class WeakPassword(DomainError):
    message = _l("This password is among the most common ones; choose another.")
    field = "password"


class PasswordIsPhone(WeakPassword):
    message = _l("The password must not be your mobile number.")


class PasswordIsOneCharacter(WeakPassword):
    message = _l("The password must not be one character repeated.")


class InvalidPhone(DomainError):
    message = _l("Enter a valid mainland China mobile number, e.g. 13812341234.")
    field = "phone"


class PhoneTaken(DomainError):
    message = _l("An account with this mobile number already exists.")
    field = "phone"


class NumberHasAccount(DomainError):
    """Said only to someone who has just proved the number theirs with a code."""

    message = _l(
        "This number already has an account: log in with it, or reset its password if you forgot it."
    )
    field = "code"


class NumberOfAnotherAccount(NumberHasAccount):
    message = _l("Another account already logs in with this number.")


class NoAccountForNumber(DomainError):
    message = _l("No account logs in with this number: register instead.")
    field = "code"


class SameNumber(DomainError):
    message = _l("This is already your number.")
    field = "phone"


class NothingToTakeOver(DomainError):
    message = _l(
        "No account a community made matches this number and name: ask your community's organiser."
    )
    field = "real_name"


class WrongPassword(DomainError):
    message = _l("The current password is not correct.")
    field = "current_password"


class GrantExists(DomainError):
    message = _l("This person already organises for that organisation.")


def normalise_phone(raw: str) -> str:
    """Parse a mainland mobile number in any common spelling; return it as E.164 (+86…)."""
    text = (raw or "").strip()
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone() from exc
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise InvalidPhone()
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_contact_phone(raw: str) -> str:
    """A managed account's contact number: any valid mainland number, landlines too, as E.164."""
    try:
        number = phonenumbers.parse((raw or "").strip(), "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(field="contact_phone") from exc
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise InvalidPhone(field="contact_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_new_password(password: str, phone: str | None) -> None:
    """Refuse a new password that is common, the account's own number, or one character repeated."""
    if len(set(password)) <= 1:
        raise PasswordIsOneCharacter()
    if password.lower() in COMMON_PASSWORDS:
        raise WeakPassword()
    if phone:
        try:
            same_number = normalise_phone(password) == normalise_phone(phone)
        except InvalidPhone:
            same_number = False
        if same_number:
            raise PasswordIsPhone()


def end_all_sessions(user: User) -> None:
    """End every session and remember cookie of ``user``: they carry the token this replaces."""
    user.session_token = new_session_token()


def find_by_phone(raw: str) -> User | None:
    try:
        phone = normalise_phone(raw)
    except InvalidPhone:
        return None
    return db.session.scalar(db.select(User).where(User.phone == phone))


def register_user(
    phone: str, real_name: str, password: str, nickname: str = "", locale: str | None = None
) -> User:
    """Create a volunteer account; the phone must be new. Consent to the notice is recorded now."""
    normalised = normalise_phone(phone)
    check_new_password(password, normalised)
    if db.session.scalar(db.select(User.id).where(User.phone == normalised)) is not None:
        # Hash anyway: a taken number must not answer faster than a new one.
        User().set_password(password)
        raise PhoneTaken()
    user = User(
        phone=normalised,
        real_name=real_name.strip(),
        nickname=nickname.strip(),
        locale=locale,
        consented_at=utcnow(),
        consent_version=PRIVACY_NOTICE_VERSION,
    )
    user.set_password(password)
    # The phone is unique: the same number registered twice at once makes one account.
    if insert_once(user, lambda: find_by_phone(normalised)) is not user:
        raise PhoneTaken()
    return user


def register_with_code(
    phone: str,
    code: str,
    real_name: str,
    password: str,
    nickname: str = "",
    locale: str | None = None,
    now: datetime | None = None,
) -> User:
    """Create the account of a number its owner has just proved with a code (step 2 of /register)."""
    normalised = normalise_phone(phone)
    check_new_password(password, normalised)
    codes.check_code(normalised, CodePurpose.REGISTER, code, now=now)
    try:
        user = register_user(normalised, real_name, password, nickname=nickname, locale=locale)
    except PhoneTaken as exc:
        raise NumberHasAccount() from exc
    user.phone_verified_at = now or utcnow()
    return user


def reset_password(phone: str, code: str, password: str, now: datetime | None = None) -> User:
    """A forgotten password: the number's owner proves it with a code and sets a new password;
    every session of the account ends (the view logs this device in again)."""
    normalised = normalise_phone(phone)
    check_new_password(password, normalised)
    codes.check_code(normalised, CodePurpose.RESET, code, now=now)
    user = db.session.scalar(db.select(User).where(User.phone == normalised))
    if user is None:
        raise NoAccountForNumber()
    user.set_password(password)
    end_all_sessions(user)
    audit.record(user, "password.reset", user)
    return user


def change_phone(user: User, phone: str, code: str, now: datetime | None = None) -> int | None:
    """Move an account to a new number proved with a code; the old number is told by SMS (the
    outbox row's id is returned, to be sent after the commit)."""
    now = now or utcnow()
    new = normalise_phone(phone)
    if new == user.phone:
        raise SameNumber()
    codes.check_code(new, CodePurpose.CHANGE_PHONE, code, user=user, now=now)
    old = user.phone
    try:
        with savepoint():
            user.phone, user.phone_verified_at = new, now
            db.session.flush()
    except IntegrityError as exc:  # the number is some other account's (or became so just now)
        raise NumberOfAnotherAccount() from exc
    audit.record(user, "phone.change", user, old=mask_phone(old), new=mask_phone(new))
    if old:
        return notifications.queue_sms(
            old,
            _("Your mobile number was changed"),
            _(
                "【%(sign)s】The account that logged in with this number now logs in with "
                "%(number)s. If you did not do this, contact your community's organiser.",
                sign=current_app.config["PLANNER_SMS_SIGN_NAME"],
                number=mask_phone(new),
            ),
            recipient=user,
        )
    return None


def take_over(
    phone: str, code: str, real_name: str, password: str, now: datetime | None = None
) -> User:
    """A resident takes over the account a community made for them (代注册): the number recorded
    as its contact, proved with a code, becomes its login, with a password of their own."""
    now = now or utcnow()
    normalised = normalise_phone(phone)
    check_new_password(password, normalised)
    codes.check_code(normalised, CodePurpose.TAKEOVER, code, now=now)
    user = db.session.scalar(
        db.select(User)
        .where(
            User.contact_phone == normalised,
            User.real_name == real_name.strip(),
            User.managed_by_community_id.is_not(None),
            User.deleted_at.is_(None),
        )
        .order_by(User.id)
        .limit(1)
    )
    if user is None:
        raise NothingToTakeOver()
    community = user.managed_by
    try:
        with savepoint():
            user.phone, user.phone_verified_at = normalised, now
            db.session.flush()
    except IntegrityError as exc:
        raise NumberOfAnotherAccount() from exc
    user.set_password(password)
    user.managed_by_community_id, user.contact_phone, user.contact_consent = None, None, ""
    user.consented_at, user.consent_version = now, PRIVACY_NOTICE_VERSION
    end_all_sessions(user)
    audit.record(user, "account.take_over", user, community=str(community))
    return user


def authenticate(phone: str, password: str) -> User | None:
    """The active user with this phone and password, or None (one answer for every failure)."""
    user = find_by_phone(phone)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every session of the account (the view keeps the current one)."""
    if not user.check_password(current):
        raise WrongPassword()
    check_new_password(new, user.phone)
    user.set_password(new)
    end_all_sessions(user)
    audit.record(user, "password.change", user)


def save_profile(user: User, real_name: str, nickname: str, email: str, locale: str) -> None:
    """What a person may change about themselves (an empty email is none)."""
    user.real_name = real_name
    user.nickname = nickname
    user.email = email or None
    set_locale(user, locale)


def set_locale(user: User, locale: str) -> None:
    """The language pages and messages use for ``user`` (also remembered in a cookie)."""
    user.locale = locale


def grant_organiser(actor: User, user: User, organisation) -> OrganiserGrant:
    """Let ``user`` organise for a department, street or community."""
    for grant in user.grants:
        if grant.organisation is organisation:
            raise GrantExists()
    grant = OrganiserGrant(user=user, granted_by_id=actor.id)
    grant.organisation = organisation
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "grant.create", user, organisation=str(organisation))
    return grant


def revoke_grant(actor: User, grant: OrganiserGrant) -> None:
    audit.record(actor, "grant.revoke", grant.user, organisation=str(grant.organisation))
    db.session.delete(grant)


def grant_choices() -> list[tuple[str, str]]:
    """What a grant may name, as the administrator's chooser lists them: departments, then
    streets and communities after the place they lie in."""
    return [
        (organisations.key_of(item), organisations.full_label(item))
        for kind in OrganiserGrant.organisation_kinds
        for item in organisations.active(kind)
    ]


def grant_target(key: str | None):
    """The department, street or community a chooser's key names; ``None`` if none."""
    return organisations.from_key(key, kinds=OrganiserGrant.organisation_kinds)


def people_page(search: str = "", per_page: int = PEOPLE_PER_PAGE) -> Pagination:
    """The people not deleted, by id, with their grants: those whose name or nickname holds
    ``search`` (taken literally, any Latin case) or whose number holds its digits."""
    query = db.select(User).where(User.deleted_at.is_(None)).order_by(User.id)
    if search:
        condition = User.real_name.icontains(search, autoescape=True) | User.nickname.icontains(
            search, autoescape=True
        )
        digits = "".join(ch for ch in search if ch.isdigit())
        if digits:
            condition = condition | User.phone.contains(digits)
        query = query.where(condition)
    return db.paginate(query.options(selectinload(User.grants)), per_page=per_page, error_out=False)
