"""``flask bench-seed``: fill a database quickly with a city's worth of realistic data, in bulk."""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta

import click
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from planner.accounts.models import User
from planner.directory.models import (
    Community,
    Department,
    District,
    MembershipStatus,
    Partnership,
    Street,
    TeamMembership,
    TeamRole,
    VolunteerTeam,
)
from planner.events.models import Event, EventHost, EventKind, EventStatus, Shift
from planner.extensions import db
from planner.timeutil import utcnow

SCALES = {
    "small": {"districts": 4, "streets": 10, "communities": 20, "departments": 10, "teams": 50,
              "volunteers": 2_000, "events": 500, "signups": 10_000, "attempts": 1_000},
    "city": {"districts": 10, "streets": 60, "communities": 200, "departments": 50, "teams": 3_000,
             "volunteers": 100_000, "events": 20_000, "signups": 1_000_000, "attempts": 50_000},
}
CHUNK = 5_000
BENCH_PASSWORD = "bench-password"
# Mobile numbers 170xxxxxxxx are reserved here for benchmark volunteers.
BENCH_PHONE_PREFIX = "+86170"

# Features add (name, function(scale: dict, ids: dict, rng) -> rows written) to this list.
EXTRA_SEEDERS: list = []


def insert_rows(model, rows) -> int:
    """Insert plain dicts in chunks with executemany; return how many."""
    count = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            db.session.execute(sa.insert(model), batch)
            count += len(batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(model), batch)
        count += len(batch)
    return count


def _ids(model, where=None) -> list[int]:
    query = sa.select(model.id).order_by(model.id)
    if where is not None:
        query = query.where(where)
    return list(db.session.scalars(query))


def seed(scale_name: str, seed_value: int = 20240930) -> dict[str, int]:
    """Write the benchmark data set; refuse a database that already holds benchmark volunteers."""
    scale = SCALES[scale_name]
    rng = random.Random(seed_value)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    written: dict[str, int] = {}
    if db.session.scalar(sa.select(User.id).where(User.phone.like(BENCH_PHONE_PREFIX + "%")).limit(1)):
        raise click.ClickException("This database already holds benchmark data.")

    written["districts"] = insert_rows(District, ({"name": f"基准区{i:03d}", "created_at": now} for i in range(scale["districts"])))
    district_ids = _ids(District, District.name.like("基准区%"))
    written["streets"] = insert_rows(Street, ({"district_id": district_ids[i % len(district_ids)], "name": f"基准街道{i:04d}", "created_at": now} for i in range(scale["streets"])))
    street_ids = _ids(Street, Street.name.like("基准街道%"))
    written["communities"] = insert_rows(Community, ({"street_id": street_ids[i % len(street_ids)], "name": f"基准社区{i:04d}", "address": f"基准路{i}号", "created_at": now} for i in range(scale["communities"])))
    community_ids = _ids(Community, Community.name.like("基准社区%"))
    written["departments"] = insert_rows(Department, ({"name": f"基准部门{i:03d}", "description": "", "created_at": now} for i in range(scale["departments"])))
    department_ids = _ids(Department, Department.name.like("基准部门%"))
    written["partnerships"] = insert_rows(Partnership, ({"department_id": d, "community_id": community_ids[i % len(community_ids)], "note": "", "created_at": now} for i, d in enumerate(department_ids)))
    written["teams"] = insert_rows(VolunteerTeam, (
        {"name": f"基准志愿服务队{i:05d}", "description": "", "join_policy": "open", "created_at": now,
         "department_id": department_ids[i % len(department_ids)] if i % 2 == 0 else None,
         "community_id": community_ids[i % len(community_ids)] if i % 2 == 1 else None}
        for i in range(scale["teams"])))
    team_ids = _ids(VolunteerTeam, VolunteerTeam.name.like("基准志愿服务队%"))

    password_hash = generate_password_hash(BENCH_PASSWORD)  # one hash, shared: hashing 100k is slow
    written["volunteers"] = insert_rows(User, (
        {"phone": f"{BENCH_PHONE_PREFIX}{i:08d}", "real_name": f"志愿者{i:06d}", "nickname": "",
         "password_hash": password_hash, "active": True, "is_admin": False, "consented_at": now, "created_at": now}
        for i in range(scale["volunteers"])))
    user_ids = _ids(User, User.phone.like(BENCH_PHONE_PREFIX + "%"))
    written["memberships"] = insert_rows(TeamMembership, (
        {"team_id": team_ids[i % len(team_ids)], "user_id": uid, "role": (TeamRole.LEADER if i < len(team_ids) else TeamRole.MEMBER).value,
         "status": MembershipStatus.ACTIVE.value, "created_at": now}
        for i, uid in enumerate(user_ids[: max(len(team_ids), len(user_ids) // 4)])))

    kinds = [k.value for k in EventKind]
    events = []
    for i in range(scale["events"]):
        starts = now + timedelta(days=rng.randint(-60, 60), hours=rng.randint(8, 19) - 8)
        status = EventStatus.COMPLETED if starts < now else (EventStatus.CANCELLED if i % 50 == 0 else EventStatus.PUBLISHED)
        events.append({
            "uuid": str(uuid.UUID(int=rng.getrandbits(128))), "title": f"基准活动{i:06d} 洁净家园志愿服务",
            "kind": kinds[i % len(kinds)], "status": status.value, "community_id": community_ids[i % len(community_ids)],
            "venue": "社区广场", "address": "", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
            "description": "环境卫生清理、文明宣传与移风易俗宣讲。", "cancel_reason": "", "revision": 0,
            "max_party_size": 4, "cancellation_cutoff_minutes": 120, "created_at": now, "updated_at": now,
            "seats_capacity": 100 if i % 7 == 0 else None,
        })
    written["events"] = insert_rows(Event, events)
    event_rows = db.session.execute(sa.select(Event.id, Event.starts_at, Event.ends_at).where(Event.title.like("基准活动%")).order_by(Event.id)).all()
    written["event_hosts"] = insert_rows(EventHost, (
        {"event_id": e.id, "role": "host", "department_id": department_ids[n % len(department_ids)]} for n, e in enumerate(event_rows)))
    written["shifts"] = insert_rows(Shift, (
        {"event_id": e.id, "role": role, "starts_at": e.starts_at, "ends_at": e.ends_at, "capacity": capacity,
         "requirements": "", "confirmed_count": 0}
        for e in event_rows for role, capacity in (("清扫", 60), ("引导", 20))))
    ids = {"users": user_ids, "events": [e.id for e in event_rows], "communities": community_ids,
           "teams": team_ids, "departments": department_ids}
    for name, seeder in EXTRA_SEEDERS:
        written[name] = seeder(scale, ids, rng)
    return written


def register(app) -> None:
    @app.cli.command("bench-seed")
    @click.option("--scale", type=click.Choice(sorted(SCALES)), default="small", show_default=True)
    def bench_seed(scale: str):
        """Fill the database with benchmark data in bulk and say how long it took."""
        started = time.perf_counter()
        written = seed(scale)
        db.session.commit()
        elapsed = time.perf_counter() - started
        click.echo(", ".join(f"{name} {count:,}" for name, count in written.items()))
        click.echo(f"bench-seed --scale {scale}: {elapsed:.1f} s")


def ids_for_scenarios(sample: int = 20) -> dict[str, list[int]]:
    """Ids the load scenarios cycle through, spread over the benchmark data."""

    def spread(model, where) -> list[int]:
        ids = _ids(model, where)
        step = max(len(ids) // sample, 1)
        return ids[::step][:sample]

    return {
        "communities": spread(Community, Community.name.like("基准社区%")),
        "teams": spread(VolunteerTeam, VolunteerTeam.name.like("基准志愿服务队%")),
        "events": spread(Event, Event.title.like("基准活动%")),
        "users": spread(User, User.phone.like(BENCH_PHONE_PREFIX + "%")),
    }
