"""Importing and exporting the bank: CSV, XLSX and Moodle GIFT; a bad file imports nothing."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from planner.extensions import db
from planner.quizzes import imports
from planner.quizzes.models import Question, QuestionType

HEADER = ",".join(imports.COLUMNS)
GOOD_CSV = (
    HEADER + "\n"
    "婚事新办,single,easy,城阳区倡导什么婚礼？,Which wedding?,集体婚礼|豪华婚宴,Collective|Lavish,A,集体婚礼简朴。,\n"
    '反对高价彩礼,multiple,medium,下列哪些属于陈规陋习？,,高价彩礼|大操大办|婚事简办,,"A,B",高价彩礼、大操大办是陋习。,\n'
    "社区文明公约,true_false,easy,开车进入社区应按喇叭。,,,,false,公约要求不按喇叭。,\n"
    "文明祭扫,fill_in,easy,提倡____祭扫。,,,,文明|绿色,文明祭扫、绿色祭扫。,\n"
)


def _login_admin(auth, make_user):
    auth.login(make_user("管理员", admin=True))


def _upload(client, name, data):
    return client.post(
        "/quizzes/bank/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_good_csv_imports_every_question(client, auth, make_user):
    _login_admin(auth, make_user)
    response = _upload(client, "questions.csv", GOOD_CSV.encode("utf-8-sig"))
    assert response.status_code == 302
    questions = db.session.scalars(db.select(Question).order_by(Question.id)).all()
    assert [q.type for q in questions] == [
        QuestionType.SINGLE,
        QuestionType.MULTIPLE,
        QuestionType.TRUE_FALSE,
        QuestionType.FILL_IN,
    ]
    assert [o.is_correct for o in questions[1].options] == [True, True, False]
    assert questions[2].options[1].is_correct  # 错误 is right: do not honk
    assert questions[3].answers == ["文明", "绿色"]
    assert questions[0].options[0].text_en == "Collective"


def test_a_file_with_bad_rows_reports_each_line_and_imports_nothing(client, auth, make_user):
    _login_admin(auth, make_user)
    bad = (
        GOOD_CSV
        + '婚事新办,single,easy,两个正确？,,甲|乙,,"A,B",,\n'
        + "婚事新办,essay,easy,未知类型,,,,,,\n"
        + "婚事新办,single,easy,重复选项,,甲|甲,,A,,\n"
        + "文明祭扫,fill_in,easy,没有答案,,,,,,\n"
    )
    response = _upload(client, "questions.csv", bad.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    for line in (6, 7, 8, 9):
        assert f"第 {line} 行" in text or f"Line {line}:" in text
    assert "第 2 行" not in text and "Line 2:" not in text
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_an_xlsx_in_the_template_imports(client, auth, make_user):
    _login_admin(auth, make_user)
    book = Workbook()
    sheet = book.active
    sheet.append(imports.COLUMNS)
    for row in imports.TEMPLATE_ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    assert _upload(client, "q.xlsx", out.getvalue()).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Question.id))) == len(imports.TEMPLATE_ROWS)


def test_an_unreadable_file_is_refused_next_to_the_field(client, auth, make_user):
    _login_admin(auth, make_user)
    response = _upload(client, "q.xlsx", b"not a spreadsheet")
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_csv_and_xlsx_exports_import_back_to_the_same_questions(client, auth, make_user):
    _login_admin(auth, make_user)
    _upload(client, "questions.csv", GOOD_CSV.encode())
    exported_csv = client.get("/quizzes/bank/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported_csv)))
    assert rows[0] == imports.COLUMNS and len(rows) == 5
    exported_xlsx = client.get("/quizzes/bank/export.xlsx").data
    sheet = load_workbook(io.BytesIO(exported_xlsx)).active
    assert [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)] == rows
    drafts = imports.parse_file("again.csv", exported_csv.encode())
    assert [d.text for d in drafts] == [r[3] for r in rows[1:]]


def test_a_gift_export_imports_back_to_the_same_questions(client, auth, make_user):
    _login_admin(auth, make_user)
    _upload(client, "questions.csv", GOOD_CSV.encode())
    originals = imports.bank_questions()
    gift = client.get("/quizzes/bank/export.gift").data.decode()
    assert "$CATEGORY: 婚事新办" in gift
    drafts = imports.parse_file("bank.gift", gift.encode())

    def shape(category, qtype, text, options, accepted, explanation):
        return (category, qtype, text, options, accepted, explanation)

    assert [
        shape(
            d.category,
            d.type,
            d.text,
            [(o.text, o.correct) for o in d.options],
            d.accepted,
            d.explanation,
        )
        for d in drafts
    ] == [
        shape(
            q.category.name,
            q.type,
            q.text,
            [(o.text, o.is_correct) for o in q.options],
            q.answers,
            q.explanation,
        )
        for q in originals
    ]


def test_gift_handles_escapes_weights_and_comments():
    text = (
        "// a comment\n$CATEGORY: $course$/top/家风家教\n\n"
        "::Q1:: 1 \\= 1 吗？ {T ####是的}\n\n"
        "哪些正确？ {~%50%甲 ~%50%乙 ~%-100%丙}\n\n"
        "填空：良好____ {=家风 =家训}\n"
    )
    drafts = imports.parse_file("x.gift", text.encode())
    assert drafts[0].category == "家风家教"
    assert drafts[0].text == "1 = 1 吗？" and drafts[0].explanation == "是的"
    assert drafts[0].type is QuestionType.TRUE_FALSE
    assert drafts[1].type is QuestionType.MULTIPLE
    assert [o.correct for o in drafts[1].options] == [True, True, False]
    assert drafts[2].type is QuestionType.FILL_IN and drafts[2].accepted == ["家风", "家训"]


def test_bad_gift_questions_are_reported_by_line_and_a_description_is_skipped():
    text = "$CATEGORY: 测试\n\n没有答案的题目\n\n好题 {=甲 ~乙}\n\n坏题 {~甲 ~乙}\n"
    parsed = imports.Parsed()
    imports.gift.read(text, "", parsed)
    assert [s.line for s in parsed.skipped] == [3]
    try:
        imports.parse_file("x.gift", text.encode())
    except imports.ImportFailed as exc:
        assert [e.line for e in exc.errors] == [7]
    else:
        raise AssertionError("expected ImportFailed")


def test_a_file_over_the_size_limit_is_refused(client, auth, make_user, monkeypatch):
    monkeypatch.setattr(imports, "MAX_BYTES", 100)  # the real limit is 5 MB
    _login_admin(auth, make_user)
    response = _upload(client, "big.csv", GOOD_CSV.encode())
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_a_file_with_more_rows_than_a_bank_takes_is_refused_while_it_is_read():
    from bench.imports import csv_with_rows, gift_with_questions, xlsx_with_rows

    for filename, data in (
        ("bank.xlsx", xlsx_with_rows(50_000)),
        ("bank.csv", csv_with_rows(imports.MAX_ROWS + 1)),
        ("bank.gift", gift_with_questions(imports.MAX_ROWS + 1)),
    ):
        try:
            imports.parse_file(filename, data)
        except imports.UnreadableFile as exc:
            assert exc.message == imports.TOO_MANY, filename
        else:
            raise AssertionError(f"{filename} was not refused")


def test_the_largest_file_a_bank_takes_still_imports():
    from bench.imports import csv_with_rows, gift_with_questions

    assert len(imports.parse_file("bank.csv", csv_with_rows(imports.MAX_ROWS))) == imports.MAX_ROWS
    gift = gift_with_questions(imports.MAX_ROWS)
    assert len(imports.parse_file("bank.gift", gift)) == imports.MAX_ROWS


def test_a_csv_field_over_the_csv_limit_is_refused_with_a_message(client, auth, make_user):
    from bench.imports import csv_with_field

    _login_admin(auth, make_user)
    response = _upload(client, "bank.csv", csv_with_field(140_000))  # over 131,072
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_a_request_body_over_8_mb_is_refused_with_a_translated_page(client, auth, make_user):
    _login_admin(auth, make_user)
    body = b"x" * (9 * 1024 * 1024)
    response = client.post("/quizzes/bank/import", data=body, content_type="text/csv")
    assert response.status_code == 413
    assert "8 MB" in response.get_data(as_text=True)


def test_a_file_holding_control_characters_is_refused_in_every_format(client, auth, make_user):
    _login_admin(auth, make_user)
    files = {  # (XLSX cannot hold them: openpyxl refuses to write one)
        "bank.gift": "$CATEGORY: 移风易俗\n\n文明\x00新风 {T}\n".encode(),
        "bank.txt": "$CATEGORY: 移风易俗\n\n文明\x07新风 {T}\n".encode(),
        "bank.csv": (HEADER + "\n移风易俗,true_false,easy,文明\x01新风,,,,true,,\n").encode(),
    }
    for name, data in files.items():
        response = _upload(client, name, data)
        assert response.status_code == 400, name
        assert "控制字符" in response.get_data(as_text=True), name
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0
