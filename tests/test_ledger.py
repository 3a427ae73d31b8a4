"""The monthly ledger (台账) as XLSX and as a printable page, and the blank sign-in sheet."""

from __future__ import annotations

import io

import openpyxl
import pytest

from planner.extensions import db


def _ledger(client, september, suffix=".xlsx", month="2024-09"):
    return client.get(f"/stats/communities/{september.community.id}/ledger{suffix}?month={month}")


def test_the_ledger_workbook_holds_the_months_events_attendance_hours_and_quizzes(
    client, auth, september
):
    auth.login(september.organiser)
    reply = _ledger(client, september)
    assert reply.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    summary, events, attendance, hours, quizzes = book.worksheets
    assert summary.max_row > 5
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert values["举办活动"] == 3  # the same numbers as the statistics page
    # Drafts are left out; the cancelled lecture is listed with its status.
    titles = [row[1] for row in events.iter_rows(min_row=2, values_only=True)]
    assert titles == ["月初清扫", "九月大扫除", "取消的宣讲", "小戏展演"]
    assert attendance.max_row - 1 == 6  # sign-ups on September's shifts
    per_volunteer = {r[0]: r[2] for r in hours.iter_rows(min_row=2, values_only=True)}
    assert per_volunteer == {"志愿者1": 3.0, "志愿者2": 1.5}
    assert quizzes.max_row - 1 == 3


def test_ledger_cells_are_never_formulas(client, auth, september):
    september.events["e1"].title = "=HYPERLINK(1)"
    db.session.commit()
    auth.login(september.organiser)
    book = openpyxl.load_workbook(io.BytesIO(_ledger(client, september).data))
    cells = [c for row in book.worksheets[1].iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_printable_ledger_has_one_page_per_event_with_its_sign_in_table(
    client, auth, september
):
    auth.login(september.organiser)
    html = _ledger(client, september, suffix="").get_data(as_text=True)
    assert html.count('class="ledger-page"') == 1 + 4
    assert "志愿者1" in html and "ledger-photos" in html


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
def test_only_the_scopes_organisers_get_the_ledger(client, auth, make_user, september, suffix):
    assert _ledger(client, september, suffix).status_code == 302  # to the log-in page
    auth.login(make_user("路人"))
    assert _ledger(client, september, suffix).status_code == 403


def test_the_sign_in_sheet_lists_those_with_a_place_and_blank_rows(client, auth, september):
    from planner.stats.ledger import SIGN_IN_BLANK_ROWS

    auth.login(september.organiser)
    html = client.get(f"/events/{september.events['e1'].id}/sign-in-sheet").get_data(as_text=True)
    assert "志愿者1" in html and "志愿者3" in html  # attended, no-show
    assert "志愿者4" not in html  # cancelled
    assert html.count('class="ledger-blank"') == SIGN_IN_BLANK_ROWS
    assert "139****" in html  # numbers masked on a sheet left at the venue


def test_the_sign_in_sheet_is_for_the_events_organisers(client, auth, make_user, september):
    auth.login(make_user("路人"))
    url = f"/events/{september.events['e1'].id}/sign-in-sheet"
    assert client.get(url).status_code == 403
    assert client.get("/events/999999/sign-in-sheet").status_code == 404


def test_the_ledger_builds_in_a_constant_number_of_queries(
    client, auth, september, make_event, make_community, count_queries
):
    auth.login(september.organiser)
    _ledger(client, september)
    with count_queries() as first:
        _ledger(client, september)
    for day in (3, 4, 5):
        # Each in a community of its own street, hosted by it and by the community.
        elsewhere = make_community()
        make_event(
            starts_at=september.events["e1"].starts_at.replace(day=day),
            community=september.community,
            hosts=(september.community, elsewhere),
            shifts=(("清扫", 2), ("引导", 2)),
        )
    with count_queries() as second:
        _ledger(client, september)
    assert second.count == first.count


def test_the_hours_report_the_ledger_and_the_statistics_agree(september):
    from datetime import date

    from planner.events.scopes import events_of
    from planner.signups import reports
    from planner.stats import measures, periods

    report = reports.hours_report(september.community, "2024-09")
    service = measures.service(events_of(september.community), periods.month("2024-09"))
    assert [(u.real_name, n, m) for u, n, m in report] == [("志愿者1", 2, 180), ("志愿者2", 1, 90)]
    assert sum(m for _u, _n, m in report) == service.minutes == 270
    team = reports.hours_report(september.team)  # all time, with the team
    assert sum(m for _u, _n, m in team) == 210
    assert periods.ALL_TIME.first == date(1, 1, 1)


def test_the_roster_links_to_the_sign_in_sheet(client, auth, september):
    auth.login(september.organiser)
    event_id = september.events["e1"].id
    html = client.get(f"/events/{event_id}/roster").get_data(as_text=True)
    assert f"/events/{event_id}/sign-in-sheet" in html
