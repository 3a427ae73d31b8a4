"""Every CSV and XLSX goes through planner/exports.py: no cell a person typed becomes a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from planner import exports
from planner.extensions import db

HOSTILE = ['=HYPERLINK("http://x.invalid","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_would_start_a_formula_is_written_behind_an_apostrophe_in_csv(text):
    (row,) = _csv_rows(exports.csv_bytes(exports.Sheet("t", (), [[text]])))
    assert row[0].startswith("'") and row[0][1:] == text
    assert exports.read_cell(row[0]) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_text_cells_are_strings_never_formulas(text):
    body = exports.xlsx_bytes(exports.Sheet("t", ["Name"], [[text, 3, date(2026, 9, 30)]]))
    sheet = load_workbook(io.BytesIO(body)).active
    name, number, day = sheet[2]
    assert name.data_type == "s" and name.value == text.replace("\r", "\n")
    assert number.data_type == "n" and number.value == 3
    assert day.is_date and day.value == datetime(2026, 9, 30)


def test_control_characters_are_removed_and_the_workbook_still_saves():
    body = exports.xlsx_bytes(exports.Sheet("t", (), [["张\x01晓\x0b明\x00", "line\nbreak"]]))
    cells = load_workbook(io.BytesIO(body)).active[1]
    assert [c.value for c in cells] == ["张晓明", "line\nbreak"]
    (row,) = _csv_rows(exports.csv_bytes(exports.Sheet("t", (), [["张\x01晓明\x7f"]])))
    assert row == ["张晓明"]


def test_phone_numbers_and_numeric_looking_text_stay_text_in_xlsx():
    body = exports.xlsx_bytes(exports.Sheet("t", (), [["13912345678", "0532"]]))
    phone, code = load_workbook(io.BytesIO(body)).active[1]
    assert (phone.data_type, phone.value) == ("s", "13912345678")
    assert (code.data_type, code.value) == ("s", "0532")


def test_phone_numbers_are_grouped_so_no_spreadsheet_reads_them_as_numbers():
    assert exports.phone("+8613912345678") == "139 1234 5678"
    assert exports.phone("13912345678") == "139 1234 5678"
    assert exports.phone("") == ""


def test_aware_times_are_written_in_shanghai_time():
    from datetime import UTC

    moment = datetime(2026, 9, 30, 1, 30, tzinfo=UTC)
    (row,) = _csv_rows(exports.csv_bytes(exports.Sheet("t", (), [[moment]])))
    assert row == ["2026-09-30 09:30"]
    cell = load_workbook(io.BytesIO(exports.xlsx_bytes(exports.Sheet("t", (), [[moment]])))).active[
        "A1"
    ]
    assert cell.value == datetime(2026, 9, 30, 9, 30)


def test_a_download_has_one_charset_and_a_safe_file_name(app):
    sheet = exports.Sheet("t", ["a"], [["b"]])
    with app.test_request_context():
        response = exports.download("roster 1/中", "csv", sheet)
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"] == "attachment; filename=roster-1--.csv"
        xlsx = exports.download("roster", "xlsx", sheet)
        assert xlsx.headers["Content-Type"] == exports.XLSX_MIMETYPE


def test_a_volunteer_named_like_a_formula_is_plain_text_in_the_roster(
    client, auth, app, make_user, make_event, grant, make_department
):
    from planner.signups.models import Signup, SignupStatus

    department = make_department()
    organiser = make_user("组织者")
    grant(organiser, department)
    event = make_event(hosts=[department], shifts=(("引导", 5),))
    shift = event.shifts[0]
    hostile = make_user(HOSTILE[0] + "\x01")
    db.session.add(Signup(shift=shift, user=hostile, status=SignupStatus.CONFIRMED, arrival=1))
    shift.confirmed_count = 1
    db.session.commit()
    auth.login(organiser)

    response = client.get(f"/events/{event.id}/roster.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    header, row = _csv_rows(response.data)
    assert header[1] == "姓名"
    assert row[1] == "'" + HOSTILE[0] and row[2] == exports.phone(hostile.phone)
    assert row[2].replace(" ", "") == hostile.local_phone

    book = load_workbook(io.BytesIO(client.get(f"/events/{event.id}/roster.xlsx").data))
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)
    assert book.active["B2"].value == HOSTILE[0]
    assert book.active["C2"].data_type == "s"


def test_the_question_bank_export_keeps_a_leading_minus_and_imports_back_unchanged(
    client, auth, make_user, app
):
    from planner.quizzes import imports

    admin = make_user("管理员", admin=True)
    auth.login(admin)
    drafts = imports.parse_file(
        "q.csv",
        exports.csv_bytes(
            exports.Sheet(
                "q",
                imports.COLUMNS,
                [["移风易俗", "fill_in", "easy", "-1 + 1 等于几？", "", "", "", "0", "", ""]],
            )
        ),
    )
    imports.import_drafts(admin, drafts)
    db.session.commit()
    exported = client.get("/quizzes/bank/export.csv").data
    rows = _csv_rows(exported)
    assert rows[1][3] == "'-1 + 1 等于几？"
    (again,) = imports.parse_file("again.csv", exported)
    assert again.text == "-1 + 1 等于几？"
