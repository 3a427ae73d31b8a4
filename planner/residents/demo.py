"""Demo 代注册: two residents 凤凰山社区's organiser registered, one signed up for the community's
next shift. Idempotent; runs after the sign-ups seeder."""

from __future__ import annotations

from contextlib import suppress

from flask_babel import force_locale

from planner.accounts.models import User
from planner.directory.models import Community
from planner.exceptions import DomainError
from planner.extensions import db
from planner.residents import services

COMMUNITY = "凤凰山社区"
ORGANISER = "+8613800000003"
# (name, contact number, whose number and their consent)
RESIDENTS = (
    ("孙桂兰", "0532-87651234", "家中座机，本人同意"),
    ("孙德厚", "0532-87651234", "家中座机，本人同意"),
)


def seed() -> None:
    with force_locale("zh_Hans_CN"):
        _seed()


def _seed() -> None:
    community = db.session.scalar(db.select(Community).where(Community.name == COMMUNITY))
    organiser = db.session.scalar(db.select(User).where(User.phone == ORGANISER))
    if community is None or organiser is None:
        return
    made = set(
        db.session.scalars(
            db.select(User.real_name).where(User.managed_by_community_id == community.id)
        )
    )
    for name, contact, consent in RESIDENTS:
        if name in made:
            continue
        resident = services.create_resident(organiser, community, name, contact, consent)
        shifts = services.open_shifts(community)
        if shifts and name == RESIDENTS[0][0]:
            with suppress(DomainError):
                services.sign_up_resident(organiser, resident, shifts[0].id)
    db.session.flush()
