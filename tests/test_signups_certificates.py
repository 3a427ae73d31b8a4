"""Service certificates: request, approval by the issuing organisation, print page, public check."""

from __future__ import annotations

import re

import pytest
import zxingcpp

from planner.extensions import db
from planner.signups import attendance
from planner.signups.models import Certificate, CertificateStatus
from planner.timeutil import to_local


@pytest.fixture
def served(app, make_user, make_department, make_event, grant, sign_up, rewind):
    """张三明 served 2 h 15 min at yesterday's event of a department; its organiser confirmed it."""
    department = make_department("市委编办")
    organiser = make_user("组织者")
    grant(organiser, department)
    volunteer = make_user("张三明")
    event = make_event(title="洁净家园", hosts=(department,), shifts=(("清扫", 5),))
    signup = sign_up(event.shifts[0], volunteer)
    rewind(event)
    with app.test_request_context("/"):
        attendance.set_minutes(organiser, signup, 135, "confirmed")
    db.session.commit()
    day = to_local(event.starts_at).date()  # the record's date is the local one
    return volunteer, organiser, department, day


def _request(client, department, day):
    return client.post(
        "/my/certificates",
        data={
            "organisation": f"department:{department.id}",
            "starts_on": day.isoformat(),
            "ends_on": day.isoformat(),
        },
    )


def test_a_volunteer_goes_from_hours_to_a_verified_certificate(client, auth, served):
    volunteer, organiser, department, day = served
    auth.login(volunteer)
    assert _request(client, department, day).status_code == 302
    certificate = db.session.scalar(db.select(Certificate))
    assert certificate.status is CertificateStatus.REQUESTED
    auth.logout()
    auth.login(organiser)
    assert "张三明" in client.get("/certificates/requests").get_data(as_text=True)
    client.post(f"/certificates/{certificate.id}/issue")
    certificate = db.session.get(Certificate, certificate.id)
    assert certificate.status is CertificateStatus.ISSUED and certificate.total_minutes == 135
    assert re.fullmatch(r"XF\d{4}\d{6}[0-9A-F]{6}", certificate.number)
    auth.logout()
    auth.login(volunteer)
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert certificate.number in page and "洁净家园" in page and "2.25" in page
    # The A4 print layout is a stylesheet of its own (no inline styles under the content policy).
    assert "/static/css/certificate.css" in page
    with client.get("/static/css/certificate.css") as stylesheet:
        assert "@page" in stylesheet.get_data(as_text=True)
    verify_url = f"http://localhost/verify/{certificate.number}"
    qr = attendance.checkin_qr(verify_url)
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(scale=4, border=4)]
    (barcode,) = zxingcpp.read_barcodes(
        memoryview(b"".join(rows)).cast("B", shape=(len(rows), len(rows[0])))
    )
    assert (
        barcode.text == verify_url
        and qr.svg_inline(scale=3, dark="#000", light="#fff", omitsize=True) in page
    )
    auth.logout()
    public = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "张*明" in public and "张三明" not in public and volunteer.local_phone not in public
    assert "市委编办" in public and "2.25" in public


def test_unknown_or_unissued_certificate_numbers_are_404(client, auth, served):
    volunteer, _organiser, department, day = served
    assert client.get("/verify/XF2024000099ABCDEF").status_code == 404
    auth.login(volunteer)
    _request(client, department, day)
    certificate = db.session.scalar(db.select(Certificate))
    assert client.get(f"/certificates/{certificate.id}").status_code == 404


def test_a_request_without_records_in_the_range_is_refused_next_to_the_field(client, auth, served):
    volunteer, _organiser, department, day = served
    auth.login(volunteer)
    response = client.post(
        "/my/certificates",
        data={
            "organisation": f"department:{department.id}",
            "starts_on": "2020-01-01",
            "ends_on": "2020-01-31",
        },
    )
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0
    response = client.post(
        "/my/certificates",
        data={
            "organisation": f"department:{department.id}",
            "starts_on": day.isoformat(),
            "ends_on": "2020-01-01",
        },
    )
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0


def test_only_the_issuing_organisation_may_approve(
    client, auth, served, make_user, make_department, grant
):
    volunteer, _organiser, department, day = served
    auth.login(volunteer)
    _request(client, department, day)
    certificate = db.session.scalar(db.select(Certificate))
    auth.logout()
    stranger = make_user("别的组织者")
    grant(stranger, make_department())
    auth.login(stranger)
    assert client.post(f"/certificates/{certificate.id}/issue").status_code == 403
    assert "张三明" not in client.get("/certificates/requests").get_data(as_text=True)
    assert db.session.get(Certificate, certificate.id).status is CertificateStatus.REQUESTED


def test_the_organiser_reviews_the_records_total_and_missing_check_ins_before_approving(
    client, auth, served, make_user, make_department, grant, count_queries
):
    volunteer, organiser, department, day = served
    auth.login(volunteer)
    _request(client, department, day)
    certificate = db.session.scalar(db.select(Certificate))
    auth.logout()
    auth.login(organiser)
    listing = client.get("/certificates/requests").get_data(as_text=True)
    assert f"/certificates/{certificate.id}/review" in listing
    with count_queries() as counter:
        page = client.get(f"/certificates/{certificate.id}/review").get_data(as_text=True)
    assert "洁净家园" in page and "2.25" in page  # the record and the total
    assert "table-warning" in page  # credited by hand: no check-in
    assert f"/certificates/{certificate.id}/issue" in page
    assert counter.count <= 12
    auth.logout()
    stranger = make_user("别的组织者")
    grant(stranger, make_department())
    auth.login(stranger)
    assert client.get(f"/certificates/{certificate.id}/review").status_code == 403
    assert client.get("/certificates/999999/review").status_code == 404


def _issued(client, auth, served):
    volunteer, organiser, department, day = served
    auth.login(volunteer)
    _request(client, department, day)
    auth.logout()
    auth.login(organiser)
    certificate = db.session.scalar(db.select(Certificate))
    client.post(f"/certificates/{certificate.id}/issue")
    auth.logout()
    return db.session.get(Certificate, certificate.id)


def test_each_record_on_a_certificate_names_its_person_in_charge_and_recorder(client, auth, served):
    volunteer, organiser, _department, _day = served
    certificate = _issued(client, auth, served)
    (record,) = certificate.records
    # The event has no creator: the organiser who confirmed the hours answers for it and wrote it.
    assert record["person_in_charge"] == "组织者" and record["recorder"] == "组织者"
    auth.login(volunteer)
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    for words in (
        "负责人",
        "记录人",
        "时长（小时）",
        "盖章处",
        "负责人签字",
        "贰点贰伍小时",
        "2.25 小时",
    ):
        assert words in page, words
    assert page.count("组织者") >= 2


def test_a_certificate_issued_before_records_named_their_people_still_shows(client, auth, served):
    volunteer = served[0]
    certificate = _issued(client, auth, served)
    certificate.records = [
        {k: v for k, v in r.items() if k not in ("person_in_charge", "recorder")}
        for r in certificate.records
    ]
    db.session.commit()
    auth.login(volunteer)
    response = client.get(f"/certificates/{certificate.id}")
    assert response.status_code == 200 and "—" in response.get_data(as_text=True)


def test_verify_accepts_a_number_typed_in_lower_case_or_with_spaces(client, auth, served):
    certificate = _issued(client, auth, served)
    for typed in (
        certificate.number.lower(),
        f" {certificate.number[:8]} {certificate.number[8:]}",
    ):
        page = client.get(f"/verify/{typed}")
        assert page.status_code == 200 and "张*明" in page.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["XF2026000001ABCDEF", "xf2026", "O0O0", "a" * 300, "%E4%B8%AD"])
def test_an_unknown_number_says_so_and_what_to_check(client, typed):
    response = client.get(f"/verify/{typed}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "没有出具过编号为" in page and "字母 O 与数字 0" in page
    assert 'name="number"' in page


def test_the_retype_box_goes_on_to_the_number_typed(client):
    response = client.get("/verify?number=xf2026 000001abcdef")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/verify/XF2026000001ABCDEF")
    assert client.get("/verify?number=").status_code == 302
