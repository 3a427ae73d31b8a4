"""Spreadsheets typed by people: the XLSX template filled in Excel, WPS or LibreOffice (booleans,
0/1, 对/错 …, Chinese headings, numbers and text either way) and CSV in UTF-8 or GB18030."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import uuid

import pytest
from openpyxl import Workbook, load_workbook

from planner import exports
from planner.extensions import db
from planner.quizzes import imports
from planner.quizzes.models import Question, QuestionType

TRUE_FALSE_ANSWERS = [True, False, 1, 0, "TRUE", "false", "对", "错", "是", "否", "√", "×"]
SOFFICE = shutil.which("soffice")


def _true_false_rows():
    return [
        ["社区文明公约", "true_false", "easy", f"判断题{i}", "", "", "", answer, "", ""]
        for i, answer in enumerate(TRUE_FALSE_ANSWERS)
    ]


def _filled_template(client, rows) -> bytes:
    """The XLSX template as the page serves it, with ``rows`` typed on its questions sheet."""
    book = load_workbook(io.BytesIO(client.get("/quizzes/bank/template.xlsx").data))
    sheet = book["questions"]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _admin(auth, make_user):
    auth.login(make_user("管理员", admin=True))


def _upload(client, name, data, **fields):
    return client.post(
        "/quizzes/bank/import",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _questions():
    return db.session.scalars(db.select(Question).order_by(Question.id)).all()


def test_the_template_keeps_instructions_and_samples_on_a_sheet_never_imported(
    app, client, auth, make_user
):
    _admin(auth, make_user)
    template = client.get("/quizzes/bank/template.xlsx").data
    book = load_workbook(io.BytesIO(template))
    assert book.sheetnames == ["questions", imports.INSTRUCTIONS_SHEET]
    assert [c.value for c in book["questions"][1]] == imports.COLUMNS
    assert book["questions"].max_row == 1
    data = _filled_template(client, [imports.TEMPLATE_ROWS[2]])
    assert _upload(client, "filled.xlsx", data).status_code == 302
    assert [q.text for q in _questions()] == [imports.TEMPLATE_ROWS[2][3]]
    csv_template = client.get("/quizzes/bank/template.csv").data.decode("utf-8-sig")
    assert csv_template.strip().count("\n") == 0  # the header only: samples would be imported


def test_true_false_answers_are_read_however_a_spreadsheet_typed_them(app, client, auth, make_user):
    _admin(auth, make_user)
    assert (
        _upload(client, "tf.xlsx", _filled_template(client, _true_false_rows())).status_code == 302
    )
    answers = [q.options[0].is_correct for q in _questions()]
    assert answers == [True, False] * (len(TRUE_FALSE_ANSWERS) // 2)


def test_chinese_headings_chinese_type_names_and_the_form_s_category_are_understood(app):
    header = "分类,题型,难度,题目,选项,答案,解析"
    body = "\n".join(
        [
            header,
            ",单选题,易,城阳区倡导什么婚礼？,集体婚礼|豪华婚宴,A,婚事简办。",
            "移风易俗,判断,难,开车进社区应按喇叭。,,错,",
            "移风易俗,填空,中等,新中国成立于____年。,,1949,",
        ]
    )
    single, true_false, fill_in = imports.parse_file("q.csv", body.encode(), "婚事新办")
    assert (single.category, single.type, single.difficulty.value) == (
        "婚事新办",
        QuestionType.SINGLE,
        "easy",
    )
    assert true_false.type is QuestionType.TRUE_FALSE and true_false.options[1].correct
    assert fill_in.accepted == ["1949"] and fill_in.difficulty.value == "medium"


def test_numbers_typed_as_numbers_or_as_text_both_work(app):
    book = Workbook()
    sheet = book.active
    sheet.append(imports.COLUMNS)
    sheet.append(["数字", "fill_in", "easy", "新中国成立于____年。", "", "", "", 1949, "", ""])
    sheet.append(["数字", "fill_in", "easy", "一周有____天。", "", "", "", 7.0, "", ""])
    sheet.append(["数字", "single", "easy", "1 加 1 等于？", "", "1|2|3", "", "B", "", ""])
    sheet.append(["数字", "single", "easy", "2 加 2 等于？", "", 4, "", "A", "", ""])
    out = io.BytesIO()
    book.save(out)
    try:
        imports.parse_file("n.xlsx", out.getvalue())
    except imports.ImportFailed as exc:  # one option is not a question: refused by line
        assert [e.line for e in exc.errors] == [5]
    sheet.delete_rows(5)
    out = io.BytesIO()
    book.save(out)
    year, week, sums = imports.parse_file("n.xlsx", out.getvalue())
    assert year.accepted == ["1949"] and week.accepted == ["7"]
    assert [o.text for o in sums.options] == ["1", "2", "3"] and sums.options[1].correct


@pytest.mark.parametrize(
    ("encoding", "name"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")]
)
def test_csv_is_read_in_utf8_or_gb18030_and_says_which(
    app, client, auth, make_user, encoding, name
):
    _admin(auth, make_user)
    body = ",".join(imports.COLUMNS) + "\n移风易俗,true_false,easy,喜事新办。,,,,对,,\n"
    response = _upload(client, "q.csv", body.encode(encoding))
    assert response.status_code == 302
    assert _questions()[0].text == "喜事新办。"
    assert name in client.get("/quizzes/bank").get_data(as_text=True)


@pytest.fixture(scope="module")
def libreoffice():
    if SOFFICE is None:
        if os.environ.get("PLANNER_REQUIRE_BROWSER") == "1":
            pytest.fail("soffice is missing and PLANNER_REQUIRE_BROWSER=1")
        pytest.skip("NOTICE: LibreOffice is missing: the filled-template check is skipped")
    return SOFFICE


def _saved_by_libreoffice(soffice, tmp_path, name: str, data: bytes, infilter=None) -> bytes:
    (tmp_path / name).write_bytes(data)
    out = tmp_path / "out"
    profile = f"file://{tmp_path}/profile-{uuid.uuid4().hex}"
    options = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", *options,
         "--convert-to", "xlsx", "--outdir", str(out), str(tmp_path / name)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (out / (name.rsplit(".", 1)[0] + ".xlsx")).read_bytes()


def test_the_template_filled_and_saved_by_libreoffice_imports(
    libreoffice, app, client, auth, make_user, tmp_path
):
    _admin(auth, make_user)
    rows = [
        *_true_false_rows(),
        ["数字", "fill_in", "easy", "一周有____天。", "", "", "", 7, "", ""],
    ]
    saved = _saved_by_libreoffice(
        libreoffice, tmp_path, "filled.xlsx", _filled_template(client, rows)
    )
    assert load_workbook(io.BytesIO(saved)).sheetnames[1] == imports.INSTRUCTIONS_SHEET
    assert _upload(client, "filled.xlsx", saved).status_code == 302
    questions = _questions()
    assert len(questions) == len(rows)  # the instructions sheet's samples stay out
    assert [q.options[0].is_correct for q in questions[:-1]] == [True, False] * 6
    assert questions[-1].answers == ["7"]


def test_true_and_false_typed_into_libreoffice_import(libreoffice, app, tmp_path):
    # LibreOffice reads TRUE and FALSE typed into a cell as booleans, and 1 and 0 as numbers.
    sheet = exports.Sheet("questions", imports.COLUMNS, [])
    typed = exports.csv_bytes(sheet).decode("utf-8-sig") + "".join(
        f"移风易俗,true_false,easy,判断{i},,,,{answer},,\r\n"
        for i, answer in enumerate(["TRUE", "FALSE", "1", "0"])
    )
    saved = _saved_by_libreoffice(
        libreoffice, tmp_path, "typed.csv", typed.encode(), infilter="CSV:44,34,76,1"
    )
    cells = [row[7] for row in load_workbook(io.BytesIO(saved)).active.iter_rows(values_only=True)]
    assert cells[1:] in ([True, False, 1, 0], [1, 0, 1, 0])  # booleans, or 0/1
    drafts = imports.parse_file("typed.xlsx", saved)
    assert [d.options[0].correct for d in drafts] == [True, False, True, False]
