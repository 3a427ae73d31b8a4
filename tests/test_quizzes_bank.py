"""The question bank: validation rules, fill-in normalisation, and the organiser's pages."""

from __future__ import annotations

import pytest

from planner.extensions import db
from planner.quizzes import bank
from planner.quizzes.bank import OptionDraft, QuestionDraft
from planner.quizzes.models import Question, QuestionCategory, QuestionType


def _draft(qtype, options=(), accepted=()):
    return QuestionDraft(
        type=QuestionType(qtype),
        text="题目",
        options=[OptionDraft(t, c) for t, c in options],
        accepted=list(accepted),
    )


def test_a_single_choice_question_needs_exactly_one_correct_option():
    with pytest.raises(bank.NeedsExactlyOneCorrect):
        bank.validate(_draft("single", [("甲", True), ("乙", True)]))
    with pytest.raises(bank.NeedsExactlyOneCorrect):
        bank.validate(_draft("single", [("甲", False), ("乙", False)]))
    bank.validate(_draft("single", [("甲", True), ("乙", False)]))


def test_a_multiple_choice_question_needs_at_least_one_correct_option():
    with pytest.raises(bank.NeedsACorrectOption):
        bank.validate(_draft("multiple", [("甲", False), ("乙", False)]))
    bank.validate(_draft("multiple", [("甲", True), ("乙", True), ("丙", False)]))


@pytest.mark.parametrize("count", [1, 9])
def test_a_choice_question_has_two_to_eight_options(count):
    options = [(f"选项{i}", i == 0) for i in range(count)]
    with pytest.raises(bank.WrongOptionCount):
        bank.validate(_draft("single", options))


def test_options_may_not_repeat_even_with_other_widths_or_spaces():
    with pytest.raises(bank.DuplicateOption):
        bank.validate(_draft("single", [("ABC", True), ("ａｂｃ ", False)]))


def test_a_fill_in_question_needs_an_accepted_answer():
    with pytest.raises(bank.NeedsAnAnswer):
        bank.validate(_draft("fill_in", accepted=["  "]))
    bank.validate(_draft("fill_in", accepted=["彩礼"]))


def test_fill_in_answers_compare_after_folding_width_spaces_and_case():
    assert bank.answer_matches("ＣＨＩＮＡ　新 风", ["china新风"])
    assert bank.answer_matches(" Ａb c ", ["ABC"])
    assert not bank.answer_matches("", ["ABC"])
    assert not bank.answer_matches("ABD", ["ABC"])


def test_an_organiser_adds_a_question_through_the_form(
    client, auth, make_user, make_department, grant
):
    organiser = make_user("组织者")
    grant(organiser, make_department())
    category = bank.get_or_create_category("家风家教")
    db.session.commit()
    auth.login(organiser)
    response = client.post(
        "/quizzes/bank/new",
        data={
            "category_id": category.id,
            "type": "multiple",
            "difficulty": "easy",
            "text": "下列哪些属于良好家风？",
            "text_en": "Which belong to good family traditions?",
            "options": "*孝老爱亲\n*勤俭持家\n铺张浪费",
            "options_en": "Filial piety\nThrift\nWaste",
            "true_false": "true",
            "explanation": "孝老爱亲、勤俭持家是良好家风。",
        },
    )
    assert response.status_code == 302
    question = db.session.scalar(db.select(Question))
    assert question.type is QuestionType.MULTIPLE
    assert [(o.text, o.text_en, o.is_correct) for o in question.options] == [
        ("孝老爱亲", "Filial piety", True),
        ("勤俭持家", "Thrift", True),
        ("铺张浪费", "Waste", False),
    ]


def test_a_bad_question_is_refused_with_a_message_and_nothing_saved(client, auth, make_user):
    admin = make_user("管理员", admin=True)
    category = bank.get_or_create_category("婚事新办")
    db.session.commit()
    auth.login(admin)
    response = client.post(
        "/quizzes/bank/new",
        data={
            "category_id": category.id,
            "type": "single",
            "difficulty": "easy",
            "text": "题目",
            "options": "*甲\n*乙",
            "true_false": "true",
        },
    )
    assert response.status_code == 400
    assert "exactly one correct option" in response.get_data(
        as_text=True
    ) or "有且只有一个" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_editing_a_question_keeps_its_option_rows(client, auth, make_user, make_question):
    admin = make_user("管理员", admin=True)
    question = make_question("single")
    first_ids = [o.id for o in question.options]
    auth.login(admin)
    response = client.post(
        f"/quizzes/bank/{question.id}/edit",
        data={
            "category_id": question.category_id,
            "type": "single",
            "difficulty": "hard",
            "text": "改过的题目",
            "options": "甲\n*乙",
            "true_false": "true",
        },
    )
    assert response.status_code == 302
    question = db.session.get(Question, question.id)
    assert question.text == "改过的题目"
    assert [o.id for o in question.options] == first_ids[:2]
    assert [o.is_correct for o in question.options] == [False, True]


def test_a_category_name_is_unique(client, auth, make_user):
    admin = make_user("管理员", admin=True)
    auth.login(admin)
    client.post("/quizzes/bank/categories", data={"name": "文明祭扫"})
    client.post("/quizzes/bank/categories", data={"name": "文明祭扫"})
    assert db.session.scalar(db.select(db.func.count(QuestionCategory.id))) == 1


def test_residents_cannot_open_the_bank(client, auth, make_user):
    auth.login(make_user("居民"))
    assert client.get("/quizzes/bank").status_code == 403


def test_the_bank_page_runs_a_constant_number_of_queries(
    client, auth, make_user, make_question, count_queries
):
    admin = make_user("管理员", admin=True)
    auth.login(admin)
    make_question()
    with count_queries() as few:
        client.get("/quizzes/bank")
    for _ in range(5):
        make_question(category="丧事简办")
    with count_queries() as many:
        client.get("/quizzes/bank")
    assert many.count == few.count
