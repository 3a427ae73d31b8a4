"""Moodle's formats, GIFT and Moodle XML: what the bank can hold arrives exactly, what it cannot is
refused or listed by line before anything is imported, and exports read back unchanged (checked
by gift-pegjs, an independent GIFT parser from npm, when node and the package are there)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from planner.extensions import db
from planner.quizzes import bank, gift, imports, moodle_xml
from planner.quizzes.models import Difficulty, Question, QuestionType
from planner.quizzes.scoring import score_answer

DATA = Path(__file__).parent / "data" / "gift"
PEGJS = Path(__file__).parent / "gift_pegjs"
BLANK = gift.BLANK


def _read(name: str, category: str = "默认") -> imports.Parsed:
    return imports.read_file(name, (DATA / name).read_bytes(), category)


def _messages(parsed) -> list[tuple[int, str]]:
    return [(s.line, str(s.message)) for s in parsed.skipped]


def _shape(draft):
    return (
        draft.category,
        draft.type,
        draft.text,
        draft.text_en,
        draft.explanation,
        draft.explanation_en,
        [(o.text, o.text_en, o.correct, o.weight, o.feedback) for o in draft.options],
        draft.accepted,
    )


def _upload(client, name, data, **fields):
    return client.post(
        "/quizzes/bank/import",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _count():
    return db.session.scalar(db.select(db.func.count(Question.id)))


# ---------------------------------------------------------------- GIFT, construct by construct


def test_partial_credit_on_an_option_keeps_its_grade_for_partial_scoring(app):
    (draft,) = _read("partial_credit.gift").drafts
    assert draft.category == "移风易俗" and draft.type is QuestionType.SINGLE
    assert [(o.text, o.correct, o.weight) for o in draft.options] == [
        ("集体婚礼", True, 100),
        ("简办婚宴", False, 50),
        ("豪华婚宴", False, 0),
    ]


def test_short_answer_weights_keep_full_answers_and_list_the_others(app):
    parsed = _read("short_answer_weights.gift", "动物")
    (draft,) = parsed.drafts
    assert draft.category == "动物" and draft.type is QuestionType.FILL_IN
    assert draft.accepted == ["猫"]  # never the literal "*"
    assert [line for line, _ in _messages(parsed)] == [3, 3]
    assert "50%" in _messages(parsed)[0][1] and "“*”" in _messages(parsed)[1][1]


def test_format_markers_are_understood_and_html_is_reduced_to_text(app):
    plain, html, markdown = _read("format_markers.gift").drafts
    assert plain.text == "天空是什么颜色？" and plain.options[0].text == "蓝色"
    assert html.text == "哪个词是粗体？" and html.options[0].text == "这个"
    assert "alert" not in html.text and "<" not in html.text
    assert markdown.text == "哪个词是 重点？"


def test_a_missing_word_question_keeps_a_visible_blank(app):
    (draft,) = _read("missing_word.gift").drafts
    assert draft.text == f"城阳区 {BLANK} 办喜事。"
    assert [o.text for o in draft.options if o.correct] == ["集体婚礼"]


def test_indentation_inside_pre_is_kept(app):
    (draft,) = _read("pre_indentation.gift").drafts
    assert draft.text == "这段代码打印什么？\nfor i in range(2):\n    print(i)"


def test_true_false_feedback_goes_to_the_option_that_earns_it(app):
    (draft,) = _read("true_false_feedback.gift").drafts
    assert draft.type is QuestionType.TRUE_FALSE and draft.explanation == "文明驾驶。"
    true, false = draft.options
    assert (true.correct, true.feedback) == (False, "公约要求不按喇叭。")  # the wrong answer's
    assert (false.correct, false.feedback) == (True, "对，不按喇叭。")


def test_matching_numerical_essay_and_descriptions_are_skipped_with_their_lines(app):
    path = DATA / "unsupported.gift"
    with pytest.raises(imports.ImportFailed) as failed:  # nothing left to import
        imports.read_file(path.name, path.read_bytes(), "默认")
    assert [(e.line, e.message) for e in failed.value.errors] == [
        (1, gift.SKIP_MATCHING),
        (3, gift.SKIP_NUMERIC),
        (5, gift.SKIP_ESSAY),
        (7, gift.SKIP_DESCRIPTION),
    ]


def test_a_file_without_category_needs_one_from_the_form(app):
    with pytest.raises(gift.NoCategory):
        imports.read_file("q.gift", "天空是蓝的。 {T}\n".encode(), "")
    assert imports.parse_file("q.gift", "天空是蓝的。 {T}\n".encode(), "常识")[0].category == "常识"


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("gb18030", "GB18030"), ("gbk", "GB18030")],
)
def test_gift_is_read_in_utf8_with_or_without_bom_and_in_gb18030(app, encoding, name):
    data = "$CATEGORY: 婚事新办\n\n倡导婚事新办、喜事简办。 {T}\n".encode(encoding)
    parsed = imports.read_file("q.gift", data)
    assert parsed.encoding == name
    assert parsed.drafts[0].text == "倡导婚事新办、喜事简办。"


def test_moodle_documentation_examples_import_or_are_listed_line_by_line(app):
    parsed = _read("moodle_docs_examples.gift", "Moodle")
    source = (DATA / "moodle_docs_examples.gift").read_text().splitlines()
    # The first line of every question block: each one is imported or listed, none forgotten.
    starts, inside = [], False
    for number, line in enumerate(source, start=1):
        bare = line.strip()
        if not bare or bare.startswith("//"):
            inside = inside and bool(bare)
            continue
        if not inside:
            starts.append(number)
        inside = True
    imported = {line for line, _ in parsed.items}
    listed = {s.line for s in parsed.skipped}
    assert set(starts) == imported | listed
    drafts = dict(parsed.items)
    assert _messages(parsed)[0] == (15, str(gift.SKIP_MATCHING))
    assert drafts[34].text == f"Grant is {BLANK} in Grant's tomb."
    assert drafts[40].accepted == ["no one", "nobody"]
    assert [o.weight for o in drafts[52].options] == [-100, 50, 50, -100]
    assert drafts[70].options[1].text == "= 2 + 3"
    assert drafts[76].text == f"Jesus Christ was from {BLANK}."
    assert [o.weight for o in drafts[76].options] == [0, 25, 50, 100]
    assert drafts[106].explanation == "Yes: the general feedback comes after four hashes."


# ---------------------------------------------------------------- GIFT export


def _gift_pegjs(text: str) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (PEGJS / "node_modules" / "gift-pegjs").is_dir():
        if os.environ.get("PLANNER_REQUIRE_BROWSER") == "1":
            pytest.fail("node or gift-pegjs is missing, and PLANNER_REQUIRE_BROWSER=1")
        pytest.skip(
            "NOTICE: node or gift-pegjs is missing: the independent GIFT check is skipped"
            " (npm ci --prefix tests/gift_pegjs installs it)"
        )
    result = subprocess.run(
        [node, str(PEGJS / "parse.js")], input=text, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [q for q in json.loads(result.stdout) if q["type"] != "Category"]


def test_gift_export_escapes_what_other_parsers_would_misread(app, make_question):
    make_question(
        "fill_in", text="箭头写作 {->}，冒号: 等号= 波浪~ 井号#", accepted=["a->b", "x=y"]
    )
    make_question("single", options=(("甲 -> 乙", True), ("1 ~ 2 # 3", False)))
    text = imports.export_gift(imports.bank_questions())
    assert "->" not in text
    drafts = imports.parse_file("again.gift", text.encode())
    assert drafts[0].text == "箭头写作 {->}，冒号: 等号= 波浪~ 井号#"
    assert drafts[0].accepted == ["a->b", "x=y"]
    assert [o.text for o in drafts[1].options] == ["甲 -> 乙", "1 ~ 2 # 3"]
    fill_in, single = _gift_pegjs(text)
    assert fill_in["type"] == "Short" and len(fill_in["choices"]) == 2
    assert fill_in["choices"][0]["text"] == {"format": "html", "text": "a-&gt;b"}
    assert single["type"] == "MC" and len(single["choices"]) == 2


def test_a_gift_round_trip_changes_nothing_gift_holds(app, auth, make_user, client):
    auth.login(make_user("管理员", admin=True))
    first = _read("moodle_docs_examples.gift", "Moodle").drafts
    imports.import_drafts(None, first)
    db.session.commit()
    exported = client.get("/quizzes/bank/export.gift").get_data(as_text=True)
    again = imports.parse_file("again.gift", exported.encode())
    assert [_shape(d) for d in again] == [_shape(d) for d in first]
    parsed = _gift_pegjs(exported)
    assert len(parsed) == len(first)
    kinds = {"MC": {QuestionType.SINGLE, QuestionType.MULTIPLE}, "TF": {QuestionType.TRUE_FALSE}}
    kinds["Short"] = {QuestionType.FILL_IN}
    for theirs, ours in zip(parsed, again, strict=True):
        assert ours.type in kinds[theirs["type"]]
        if theirs["type"] == "MC":
            weights = [c["weight"] if c["weight"] is not None else 100 * c["isCorrect"]
                       for c in theirs["choices"]]  # fmt: skip
            assert weights == pytest.approx(bank.weights_of(ours.type, ours.options), abs=1e-4)


def test_the_bank_page_says_what_gift_loses(app, auth, make_user, client):
    auth.login(make_user("管理员", admin=True))
    page = client.get("/quizzes/bank", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "/quizzes/bank/export.xml" in page
    assert "export-losses" in page


# ---------------------------------------------------------------- Moodle XML


def _rich_bank(make_question):
    single = make_question(
        "single",
        text="城阳区倡导哪种婚礼？\n第二行",
        options=(("集体婚礼", True), ("豪华婚宴", False), ("a < b & c", False)),
        text_en="Which wedding?",
        explanation_en="Collective weddings.",
        difficulty=Difficulty.HARD,
    )
    single.options[0].text_en = "Collective"
    single.options[1].feedback = "不提倡。"
    single.options[1].weight = 50.0
    single.options[0].weight, single.options[2].weight = 100.0, 0.0
    make_question("multiple", options=(("甲", True), ("乙", True), ("丙", False)))
    make_question("true_false", options=(("正确", False),), category="社区文明公约")
    make_question("fill_in", accepted=["彩礼", "高价彩礼"], difficulty=Difficulty.EASY)
    single.category.name_en = "New-style weddings"
    db.session.commit()
    return imports.bank_questions()


def test_a_bank_survives_a_moodle_xml_round_trip_english_and_difficulty_included(
    app, auth, make_user, client, make_question
):
    originals = _rich_bank(make_question)
    auth.login(make_user("管理员", admin=True))
    response = client.get("/quizzes/bank/export.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    parsed = imports.read_file("bank.xml", response.data)
    assert parsed.skipped == []
    assert [_shape(d) for d in parsed.drafts] == [_shape(bank.draft_of(q)) for q in originals]
    assert [d.difficulty for d in parsed.drafts] == [q.difficulty for q in originals]
    assert parsed.drafts[0].category_en == "New-style weddings"
    # Imported through the page, the copies are the originals again.
    known = {q.id for q in originals}
    assert _upload(client, "bank.xml", response.data).status_code == 302
    copies = sorted((q for q in imports.bank_questions() if q.id not in known), key=lambda q: q.id)
    assert [(_shape(bank.draft_of(q)), q.difficulty) for q in copies] == [
        (_shape(bank.draft_of(q)), q.difficulty) for q in originals
    ]


def test_the_moodle_xml_export_has_moodle_s_structure(app, make_question):
    _rich_bank(make_question)
    root = ET.fromstring(imports.export_moodle_xml(imports.bank_questions()))
    assert root.tag == "quiz"
    for question in root.findall("question"):
        kind = question.get("type")
        assert kind in {"category", "multichoice", "truefalse", "shortanswer"}
        if kind == "category":
            assert question.find("category/text").text.startswith("$course$/top/")
            continue
        assert question.find("name/text").text
        assert question.find("questiontext").get("format") == "html"
        assert question.find("questiontext/text").text
        answers = question.findall("answer")
        assert answers and all(re.fullmatch(r"-?\d+(\.\d+)?", a.get("fraction")) for a in answers)
        if kind == "multichoice":
            assert question.find("single").text in {"true", "false"}
        tags = [t.text for t in question.findall("tags/tag/text")]
        assert any(t.startswith("difficulty:") for t in tags)


MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/Default for 城阳//婚事</text></category>
  </question>
  <question type="multichoice">
    <name><text>Partial</text></name>
    <questiontext format="html"><text><![CDATA[<p>Pick <b>two</b><img src="@@PLUGINFILE@@/x.png"></p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <single>false</single>
    <answer fraction="50" format="html"><text>A</text><feedback format="html"><text>half</text></feedback></answer>
    <answer fraction="50" format="html"><text>B</text></answer>
    <answer fraction="-100" format="html"><text>C</text></answer>
    <tags><tag><text>difficulty:hard</text></tag><tag><text>other</text></tag></tags>
  </question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="moodle_auto_format"><text>The sun rises in the East.</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>No, east.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>SA</text></name>
    <questiontext format="html"><text>Two plus two?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>four</text></answer>
    <answer fraction="50"><text>4</text></answer>
  </question>
  <question type="matching"><name><text>M</text></name></question>
  <question type="numerical"><name><text>N</text></name></question>
  <question type="essay"><name><text>E</text></name></question>
  <question type="description"><name><text>D</text></name></question>
  <question type="multianswer"><name><text>Cloze</text></name></question>
</quiz>
"""


def test_a_moodle_xml_file_imports_what_fits_and_lists_the_rest_by_line(app):
    parsed = imports.read_file("moodle.xml", MOODLE_XML.encode())
    multiple, true_false, fill_in = parsed.drafts
    assert multiple.category == "Default for 城阳/婚事"
    assert (multiple.type, multiple.text, multiple.difficulty) == (
        QuestionType.MULTIPLE,
        "Pick two",
        Difficulty.HARD,
    )
    assert [(o.text, o.correct, o.weight, o.feedback) for o in multiple.options] == [
        ("A", True, 50, "half"),
        ("B", True, 50, ""),
        ("C", False, -100, ""),
    ]
    assert [(o.correct, o.feedback) for o in true_false.options] == [
        (True, "Yes."),
        (False, "No, east."),
    ]
    assert fill_in.accepted == ["four"]
    lines = [s.line for s in parsed.skipped]
    assert lines == [6, 22, 22, 29, 30, 31, 32, 33]
    assert "multianswer" in str(parsed.skipped[-1].message)


def test_moodle_xml_with_an_entity_or_a_dtd_is_refused(app):
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<quiz><question type="truefalse"><questiontext><text>&x;</text></questiontext>'
        "</question></quiz>"
    )
    with pytest.raises(imports.UnreadableFile):
        imports.read_file("x.xml", hostile.encode())
    with pytest.raises(moodle_xml.NotMoodleXml):
        imports.read_file("x.xml", b"<html></html>")


# ---------------------------------------------------------------- the import page


def test_what_a_file_leaves_out_is_confirmed_before_anything_is_imported(
    app, auth, make_user, client
):
    auth.login(make_user("管理员", admin=True))
    data = (DATA / "moodle_docs_examples.gift").read_bytes()
    preview = _upload(client, "docs.gift", data, category="Moodle")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "import-skipped" in page
    assert _count() == 0
    pending = re.search(r'name="pending" type="hidden" value="([^"]+)"', page).group(1)
    confirmed = client.post(
        "/quizzes/bank/import",
        data={
            "pending": pending,
            "pending_name": "docs.gift",
            "confirm": "1",
            "category": "Moodle",
        },
    )
    assert confirmed.status_code == 302
    assert _count() == len(_read("moodle_docs_examples.gift", "Moodle").drafts)
    assert "UTF-8" in client.get("/quizzes/bank").get_data(as_text=True)


def test_a_file_without_category_asks_for_one_next_to_the_form_s_field(
    app, auth, make_user, client
):
    auth.login(make_user("管理员", admin=True))
    response = _upload(client, "q.gift", "天空是蓝的。 {T}\n".encode())
    assert response.status_code == 400 and _count() == 0
    assert "$CATEGORY" in response.get_data(as_text=True)


def test_a_file_with_nothing_left_out_imports_at_once_and_names_its_encoding(
    app, auth, make_user, client
):
    auth.login(make_user("管理员", admin=True))
    data = "倡导婚事新办。 {T}\n".encode("gb18030")
    response = _upload(client, "q.gift", data, category="婚事新办")
    assert response.status_code == 302 and _count() == 1
    assert "GB18030" in client.get("/quizzes/bank").get_data(as_text=True)


# ---------------------------------------------------------------- scoring grades from Moodle


def test_option_grades_score_with_partial_credit_and_only_then(app):
    imports.import_drafts(None, _read("partial_credit.gift").drafts)
    imports.import_drafts(None, _read("moodle_docs_examples.gift", "Moodle").drafts)
    db.session.commit()
    single = db.session.scalar(db.select(Question).where(Question.text == "婚事新办倡导什么？"))
    right, half, wrong = (o.id for o in single.options)
    assert score_answer(single, [half], None, partial=True) == 0.5
    assert score_answer(single, [half], None, partial=False) == 0.0
    assert score_answer(single, [right], None) == 1.0
    assert score_answer(single, [wrong], None, partial=True) == 0.0
    tomb = db.session.scalar(db.select(Question).where(Question.type == QuestionType.MULTIPLE))
    no_one, grant, wife, father = (o.id for o in tomb.options)
    assert score_answer(tomb, [grant, wife], None) == 1.0
    assert score_answer(tomb, [grant], None, partial=True) == 0.5
    assert score_answer(tomb, [grant, wife, father], None, partial=True) == 0.0


def test_the_feedback_of_the_chosen_option_shows_with_the_answer(client, make_question, make_quiz):
    question = make_question("single")
    question.options[1].feedback = "这个选项不对：倡导婚事简办。"
    db.session.commit()
    quiz = make_quiz([question, make_question()], feedback="each")
    start = client.post(f"/quizzes/{quiz.id}/start", data={"nickname": "小明"})
    attempt_id = int(re.search(r"/attempts/(\d+)", start.location).group(1))
    answered = client.post(
        f"/quizzes/{quiz.id}/attempts/{attempt_id}/answer",
        data={"position": 0, "option": [question.options[1].id]},
    )
    assert "这个选项不对：倡导婚事简办。" in client.get(answered.location).get_data(as_text=True)


def test_editing_an_imported_question_keeps_feedback_and_grades_while_its_options_stay(
    app, auth, make_user, client
):
    auth.login(make_user("管理员", admin=True))
    imports.import_drafts(None, _read("partial_credit.gift").drafts)
    db.session.commit()
    question = db.session.scalar(db.select(Question))
    question.options[1].feedback = "一半对。"
    db.session.commit()
    form = {
        "category_id": question.category_id,
        "type": "single",
        "difficulty": "easy",
        "text": "婚事新办倡导什么？（改）",
        "options": "*集体婚礼\n简办婚宴\n豪华婚宴",
        "true_false": "true",
    }
    page = client.get(f"/quizzes/bank/{question.id}/edit").get_data(as_text=True)
    assert "imported-parts" in page and "50%" in page and "一半对。" in page
    assert client.post(f"/quizzes/bank/{question.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert [(o.weight, o.feedback) for o in db.session.get(Question, question.id).options] == [
        (100, ""),
        (50, "一半对。"),
        (0, ""),
    ]
    form["options"] = "集体婚礼\n*简办婚宴\n豪华婚宴"  # another option is right now: the app's rule
    assert client.post(f"/quizzes/bank/{question.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert [o.weight for o in db.session.get(Question, question.id).options] == [None] * 3


def test_a_moodle_category_description_is_listed_and_not_taken_for_an_english_name(app):
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '<question type="category"><category><text>$course$/Iota/Kappa</text></category>\n'
        '<info format="markdown"><text>This is Kappa category for test</text></info></question>\n'
        '<question type="truefalse"><questiontext format="html"><text>T?</text></questiontext>\n'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>\n</quiz>\n'
    )
    parsed = imports.read_file("kappa.xml", xml.encode())
    (draft,) = parsed.drafts
    assert (draft.category, draft.category_en) == ("Kappa", "")
    assert [(s.line, s.message) for s in parsed.skipped] == [(3, moodle_xml.CATEGORY_INFO)]


def test_a_file_of_nothing_the_bank_takes_or_nested_without_end_is_refused_while_it_is_read(app):
    hostile = {
        "essays.gift": b"Q {}\n\n" * (5 * imports.MAX_ROWS + 1),
        "essays.xml": b"<quiz>"
        + b'<question type="essay"/>' * (5 * imports.MAX_ROWS + 1)
        + b"</quiz>",
        "deep.xml": b"<quiz>" + b"<a>" * 1000 + b"</a>" * 1000 + b"</quiz>",
        "wide.xml": b"<quiz><question>" + b"<a/>" * moodle_xml.MAX_ELEMENTS + b"</question></quiz>",
    }
    for name, data in hostile.items():
        with pytest.raises(imports.UnreadableFile) as refused:
            imports.read_file(name, data, "默认")
        assert refused.value.message == imports.TOO_MANY, name
