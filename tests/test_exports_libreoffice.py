"""Every export, opened by LibreOffice: no cell someone typed comes back as a formula, and phone
numbers stay text. LibreOffice (``soffice``, Debian's libreoffice-calc-nogui) reads each file and
writes it again as XLSX, which openpyxl then inspects."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import uuid
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from planner.extensions import db

SOFFICE = shutil.which("soffice")
FORMULA = '=HYPERLINK("http://x.invalid","x")'
# CSV filter options: comma, double quote, UTF-8 (76), start at row 1.
CSV_FILTER = "CSV:44,34,76,1"


@pytest.fixture(scope="module")
def libreoffice():
    if SOFFICE is None:
        if os.environ.get("PLANNER_REQUIRE_BROWSER") == "1":
            pytest.fail("soffice is missing and PLANNER_REQUIRE_BROWSER=1")
        pytest.skip("NOTICE: LibreOffice is missing: export checks skipped (make test installs it)")
    return SOFFICE


def _through_libreoffice(soffice, tmp_path, files: dict[str, bytes]) -> dict:
    """Each file opened and saved again by LibreOffice as XLSX; name → workbook."""
    source = tmp_path / "in"
    source.mkdir()
    for name, body in files.items():
        (source / name).write_bytes(body)
    out = tmp_path / "out"
    profile = f"file://{tmp_path}/profile-{uuid.uuid4().hex}"
    for name in files:
        options = [f"--infilter={CSV_FILTER}"] if name.endswith(".csv") else []
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", *options,
             "--convert-to", "xlsx", "--outdir", str(out), str(source / name)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return {
        name: load_workbook(io.BytesIO((out / (name.rsplit(".", 1)[0] + ".xlsx")).read_bytes()))
        for name in files
    }


def _cells(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_libreoffice_finds_no_formula_and_no_phone_number_turned_into_a_number(
    libreoffice, client, auth, make_user, make_event, make_department, grant, tmp_path
):
    from planner.quizzes import imports
    from planner.signups import attendance
    from planner.signups.models import Signup, SignupStatus
    from planner.timeutil import utcnow

    department = make_department()
    organiser = make_user("组织者", admin=True)
    grant(organiser, department)
    start = (utcnow() - timedelta(days=2)).replace(microsecond=0)
    event = make_event(hosts=[department], shifts=(("引导", 5),), starts_at=start)
    shift = event.shifts[0]
    volunteer = make_user(FORMULA)
    signup = Signup(shift=shift, user=volunteer, status=SignupStatus.CONFIRMED, arrival=1)
    db.session.add(signup)
    shift.confirmed_count = 1
    db.session.flush()
    attendance.confirm_hours(organiser, [signup])
    drafts = imports.parse_file(
        "q.csv",
        (
            ",".join(imports.COLUMNS) + "\n移风易俗,true_false,easy,@SUM(1+1),,,,true,-1+2,\n"
        ).encode(),
    )
    imports.import_drafts(organiser, drafts)
    db.session.commit()
    auth.login(organiser)
    month = start.strftime("%Y-%m")
    report = f"/reports/hours?scope=department:{department.id}&month={month}&format="
    files = {
        "roster.csv": client.get(f"/events/{event.id}/roster.csv").data,
        "roster.xlsx": client.get(f"/events/{event.id}/roster.xlsx").data,
        "hours.csv": client.get(report + "csv").data,
        "hours.xlsx": client.get(report + "xlsx").data,
        "bank.csv": client.get("/quizzes/bank/export.csv").data,
        "bank.xlsx": client.get("/quizzes/bank/export.xlsx").data,
    }
    books = _through_libreoffice(libreoffice, tmp_path, files)
    for name, book in books.items():
        cells = _cells(book)
        assert not [c.coordinate for c in cells if c.data_type == "f"], name
        texts = [str(c.value) for c in cells if c.value is not None]
        typed = {"roster", "hours"} & {name.split(".")[0]} and FORMULA or "@SUM(1+1)"
        assert any(t.lstrip("'") == typed for t in texts), (name, texts)
        if name.startswith(("roster", "hours")):
            phones = [c for c in cells if str(c.value).replace(" ", "") == volunteer.local_phone]
            assert phones and all(c.data_type == "s" for c in phones), name
