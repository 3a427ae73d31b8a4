"""代注册: an organiser makes an account for a resident without a smartphone, signs them up, checks
them in and confirms their hours on the roster, asks for their certificate; the account cannot log
in until its owner takes it over with a code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.accounts.models import User
from planner.audit.models import AuditEntry
from planner.extensions import db
from planner.signups.models import Certificate, ServiceRecord, Signup, SignupStatus
from planner.timeutil import to_local, utcnow
from tests.conftest import PASSWORD


@pytest.fixture
def community_desk(make_user, make_community, grant, make_event, auth):
    """An organiser of a community, logged in, and an event of the community with one shift."""
    organiser = make_user("赵凤山")
    community = make_community("凤凰山社区")
    grant(organiser, community)
    event = make_event(community=community, hosts=(community,), shifts=(("清扫", 5),))
    auth.login(organiser)
    return organiser, community, event


def _make_resident(client, community, **fields):
    data = {
        "community": community.id,
        "real_name": "孙大娘",
        "contact_phone": "0532-8288 1234",
        "contact_consent": "女儿王芳，电话确认同意",
        "consent": "y",
        **fields,
    }
    return client.post("/residents/new", data=data)


def _resident() -> User:
    return db.session.scalar(db.select(User).where(User.managed_by_community_id.is_not(None)))


def test_an_organiser_registers_a_resident_signs_them_up_and_confirms_their_hours(
    client, community_desk, rewind
):
    organiser, community, event = community_desk
    response = _make_resident(client, community)
    resident = _resident()
    assert response.headers["Location"] == f"/residents/{resident.id}"
    assert resident.phone is None and resident.contact_phone == "+8653282881234"
    assert resident.managed_by_community_id == community.id and resident.phone_verified_at is None
    shift = event.shifts[0]
    page = client.get(f"/residents/{resident.id}").get_data(as_text=True)
    assert f'<option value="{shift.id}">' in page
    assert (
        client.post(f"/residents/{resident.id}/signup", data={"shift": shift.id}).status_code == 302
    )
    signup = db.session.scalar(db.select(Signup).where(Signup.user_id == resident.id))
    assert signup.status is SignupStatus.CONFIRMED and signup.signed_up_by_id == organiser.id
    # On the roster like anyone: the day after, checked in and out by hand, hours confirmed.
    assert resident.real_name in client.get(f"/events/{event.id}/roster").get_data(as_text=True)
    rewind(event)
    assert client.post(f"/signups/{signup.id}/check_out").status_code == 302
    db.session.refresh(signup)
    assert signup.status is SignupStatus.ATTENDED and signup.checked_in_at is not None
    response = client.post(
        f"/events/{event.id}/roster/confirm-hours", data={"confirm": "1", "signup_id": signup.id}
    )
    assert response.status_code == 302
    db.session.refresh(signup)
    assert signup.minutes == 120
    record = db.session.scalar(
        db.select(ServiceRecord).where(ServiceRecord.volunteer_id == resident.id)
    )
    assert record.minutes == 120
    # The organiser asks for the resident's certificate on their behalf.
    day = to_local(utcnow()).date()
    response = client.post(
        f"/residents/{resident.id}/certificate",
        data={
            "organisation": f"community:{community.id}",
            "starts_on": (day - timedelta(days=10)).isoformat(),
            "ends_on": day.isoformat(),
        },
    )
    assert response.status_code == 302
    certificate = db.session.scalar(db.select(Certificate))
    assert certificate.volunteer_id == resident.id
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"resident.create", "resident.sign_up", "resident.certificate_request"} <= actions


def test_a_contact_number_needs_whose_it_is_and_their_consent(client, community_desk):
    _organiser, community, _event = community_desk
    response = _make_resident(client, community, contact_consent="")
    assert "请注明号码归属" in response.get_data(as_text=True)
    assert _resident() is None
    assert _make_resident(client, community, contact_phone="12345").status_code == 200
    assert _resident() is None
    # Without any number the account is made all the same.
    assert (
        _make_resident(client, community, contact_phone="", contact_consent="").status_code == 302
    )


def test_residents_may_share_a_contact_number(client, community_desk):
    _organiser, community, _event = community_desk
    _make_resident(client, community, real_name="孙大爷")
    _make_resident(client, community, real_name="孙大娘")
    count = db.session.scalar(
        db.select(db.func.count(User.id)).where(User.contact_phone.is_not(None))
    )
    assert count == 2


def test_only_the_communitys_organisers_act_for_its_residents(
    app, client, community_desk, make_user, make_community, grant
):
    _organiser, community, _event = community_desk
    _make_resident(client, community)
    resident = _resident()
    other = make_user("别的社区")
    grant(other, make_community("天山社区"))
    stranger, volunteer = app.test_client(), app.test_client()
    stranger.post("/login", data={"phone": other.local_phone, "password": PASSWORD})
    volunteer.post("/login", data={"phone": make_user().local_phone, "password": PASSWORD})
    assert stranger.get(f"/residents/{resident.id}").status_code == 403
    assert resident.real_name not in stranger.get("/residents").get_data(as_text=True)
    assert stranger.post(f"/residents/{resident.id}/signup", data={"shift": 1}).status_code == 403
    assert volunteer.get("/residents").status_code == 403
    assert volunteer.get("/residents/new").status_code == 403
    assert client.get(f"/residents/{other.id}").status_code == 404  # not a managed account


def test_a_shift_of_another_communitys_event_is_refused(client, community_desk, make_event):
    _organiser, community, _event = community_desk
    _make_resident(client, community)
    resident = _resident()
    elsewhere = make_event(shifts=(("清扫", 5),))
    response = client.post(
        f"/residents/{resident.id}/signup", data={"shift": elsewhere.shifts[0].id}
    )
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Signup.id))) == 0


def test_a_managed_account_cannot_log_in_until_taken_over_with_a_code(
    app, client, community_desk, sms_log
):
    _organiser, community, _event = community_desk
    _make_resident(client, community, contact_phone="13912345678", contact_consent="本人手机")
    resident = _resident()
    owner = app.test_client()
    # Nothing logs in with the contact number yet.
    refused = owner.post("/login", data={"phone": "13912345678", "password": ""})
    assert refused.status_code == 200
    owner.post("/takeover/code", data={"phone": "13912345678"})
    wrong_name = owner.post(
        "/takeover",
        data={
            "code": sms_log.code_for("13912345678"),
            "real_name": "别人",
            "password": "my-own-pass-8",
            "confirm": "my-own-pass-8",
            "consent": "y",
        },
    )
    assert "没有与这个手机号和姓名相符" in wrong_name.get_data(as_text=True)
    taken = owner.post(
        "/takeover",
        data={
            "code": sms_log.code_for("13912345678"),
            "real_name": "孙大娘",
            "password": "my-own-pass-8",
            "confirm": "my-own-pass-8",
            "consent": "y",
        },
    )
    assert taken.status_code == 302
    db.session.refresh(resident)
    assert resident.phone == "+8613912345678" and resident.phone_verified_at is not None
    assert not resident.is_managed and resident.check_password("my-own-pass-8")
    # Now it is the resident's own account: the community no longer acts for it.
    assert client.get(f"/residents/{resident.id}").status_code == 404
    fresh = app.test_client()
    response = fresh.post("/login", data={"phone": "13912345678", "password": "my-own-pass-8"})
    assert response.status_code == 302


def test_the_residents_pages_speak_english(client, community_desk):
    _organiser, community, _event = community_desk
    client.set_cookie("locale", "en")
    assert "Register a resident" in client.get("/residents/new").get_data(as_text=True)
    _make_resident(client, community)
    page = client.get(f"/residents/{_resident().id}").get_data(as_text=True)
    assert "Sign up for a shift" in page and "Contact number" in page


def test_the_residents_pages_run_the_same_queries_however_many_sign_ups(
    client, community_desk, make_event, count_queries
):
    _organiser, community, event = community_desk
    _make_resident(client, community)
    resident = _resident()

    def counts():
        with count_queries() as page:
            client.get(f"/residents/{resident.id}")
        with count_queries() as listing:
            client.get("/residents")
        return page.count, listing.count

    client.post(f"/residents/{resident.id}/signup", data={"shift": event.shifts[0].id})
    _make_resident(client, community, real_name="孙大爷")
    before = counts()
    for hour in (1, 4):
        later = make_event(
            community=community,
            hosts=(community,),
            shifts=(("引导", 5),),
            starts_at=event.starts_at + timedelta(hours=hour + 2),
        )
        client.post(f"/residents/{resident.id}/signup", data={"shift": later.shifts[0].id})
        _make_resident(client, community, real_name=f"居民{hour}")
    assert db.session.scalar(db.select(db.func.count(Signup.id))) == 3
    assert counts() == before


def test_the_demo_has_two_residents_of_fenghuangshan_one_signed_up(seeded):
    residents = db.session.scalars(
        db.select(User).where(User.managed_by_community_id.is_not(None)).order_by(User.id)
    ).all()
    assert [r.real_name for r in residents] == ["孙桂兰", "孙德厚"]
    assert {r.managed_by.name for r in residents} == {"凤凰山社区"}
    assert residents[0].contact_phone == residents[1].contact_phone  # one household's landline
    signed_up = db.session.scalar(
        db.select(db.func.count(Signup.id)).where(Signup.user_id == residents[0].id)
    )
    assert signed_up == 1


def test_taking_over_with_a_number_another_account_logs_in_with_is_refused(
    app, client, community_desk, make_user, sms_log
):
    _organiser, community, _event = community_desk
    make_user("王芳", phone="13912345678")  # the daughter's own account
    _make_resident(client, community, contact_phone="13912345678", contact_consent="女儿王芳")
    owner = app.test_client()
    owner.post("/takeover/code", data={"phone": "13912345678"})
    response = owner.post(
        "/takeover",
        data={
            "code": sms_log.code_for("13912345678"),
            "real_name": "孙大娘",
            "password": "my-own-pass-8",
            "confirm": "my-own-pass-8",
            "consent": "y",
        },
    )
    assert "这个手机号已被其他账号用于登录" in response.get_data(as_text=True)
    resident = _resident()
    assert resident.is_managed and resident.phone is None
