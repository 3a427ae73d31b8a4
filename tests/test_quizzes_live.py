"""A live quick-fire round: a host and two phones through the test client."""

from __future__ import annotations

from datetime import timedelta

from planner.extensions import db
from planner.quizzes.models import Attempt, LiveAnswer, LivePlayer, LiveRound, Question
from planner.timeutil import utcnow


def _option(question, text):
    return next(o.id for o in question.options if o.text == text)


def test_a_host_runs_a_round_with_two_players(
    app, client, auth, make_user, make_question, make_quiz
):
    first = make_question("single", explanation="集体婚礼简朴节俭。")
    second = make_question("true_false", options=(("正确", True),))
    skipped = make_question("fill_in")  # not playable live: left out of the round
    quiz = make_quiz([first, skipped, second], speed_bonus=True)
    auth.login(make_user("主持人", admin=True))
    created = client.post(f"/quizzes/{quiz.id}/live", data={"seconds_per_question": 20})
    round_ = db.session.scalar(db.select(LiveRound))
    assert created.location.endswith(f"/quizzes/live/{round_.id}")
    host_page = client.get(created.location).get_data(as_text=True)
    assert round_.pin in host_page and "<svg" in host_page and f"/live/{round_.pin}" in host_page
    assert f"/quizzes/live/{round_.id}" in client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)

    alice, bob = app.test_client(), app.test_client()
    for phone, name in ((alice, "阿丽"), (bob, "阿博")):
        assert phone.get(f"/live/{round_.pin}").status_code == 200
        assert phone.post(f"/live/{round_.pin}/join", data={"nickname": name}).status_code == 302
    lobby = alice.get(f"/live/{round_.pin}/state")
    assert lobby.json["phase"] == "lobby" and lobby.json["players"] == 2
    etag = lobby.headers["ETag"]
    assert (
        alice.get(f"/live/{round_.pin}/state", headers={"If-None-Match": etag}).status_code == 304
    )

    client.post(f"/quizzes/live/{round_.id}/next")  # first question opens
    state = alice.get(f"/live/{round_.pin}/state", headers={"If-None-Match": etag})
    assert state.status_code == 200 and state.json["phase"] == "question"
    assert "correct" not in state.json and "explanation" not in state.json
    assert [o["letter"] for o in state.json["question"]["options"]] == ["A", "B", "C"]

    right, wrong = _option(first, "正确选项"), _option(first, "错误选项甲")
    assert alice.post(f"/live/{round_.pin}/answer", data={"option": right}).status_code == 302
    bob.post(f"/live/{round_.pin}/answer", data={"option": wrong})
    # One answer per player per question.
    again = bob.post(
        f"/live/{round_.pin}/answer", data={"option": right}, headers={"Accept": "application/json"}
    )
    assert again.status_code == 409
    running = bob.get(f"/live/{round_.pin}/state").json
    assert running["my_answer"] == wrong and "correct" not in running
    assert "leaderboard" not in running and running["me"]["points"] == 0
    host_running = client.get(f"/quizzes/live/{round_.id}/state").json
    assert host_running["answered"] == 2 and "correct" not in host_running
    assert all(row["points"] == 0 for row in host_running["leaderboard"])

    client.post(f"/quizzes/live/{round_.id}/next")  # close early: reveal
    reveal = bob.get(f"/live/{round_.pin}/state").json
    assert reveal["phase"] == "reveal" and reveal["correct"] == [right]
    assert reveal["distribution"] == {
        str(right): 1,
        str(wrong): 1,
        str(_option(first, "错误选项乙")): 0,
    }
    assert reveal["my_correct"] is False and reveal["leaderboard"][0]["nickname"] == "阿丽"
    assert reveal["leaderboard"][0]["points"] > 500  # speed bonus on top of half the points

    client.post(f"/quizzes/live/{round_.id}/next")  # second question
    bob.post(f"/live/{round_.pin}/answer", data={"option": _option(second, "正确")})
    client.post(f"/quizzes/live/{round_.id}/next")  # reveal
    client.post(f"/quizzes/live/{round_.id}/next")  # no more questions: the round ends
    done = alice.get(f"/live/{round_.pin}/state").json
    assert done["phase"] == "finished"

    saved = db.session.scalars(db.select(Attempt).order_by(Attempt.nickname)).all()
    assert [(a.nickname, a.score, a.max_score) for a in saved] == [
        ("阿丽", 1.0, 2.0),
        ("阿博", 1.0, 2.0),
    ]
    assert all(a.live_round_id == round_.id and a.is_finished for a in saved)
    stats = client.get(f"/quizzes/{quiz.id}/stats").get_data(as_text=True)
    assert first.text in stats


def test_a_refreshed_phone_rejoins_as_the_same_player(app, make_question, make_quiz, make_user):
    from planner.quizzes import live

    quiz = make_quiz([make_question()])
    with app.test_request_context():
        round_ = live.create_round(make_user("主持人", admin=True), quiz)
    db.session.commit()
    phone = app.test_client()
    phone.post(f"/live/{round_.pin}/join", data={"nickname": "小红"})
    phone.post(f"/live/{round_.pin}/join", data={"nickname": "换个名字"})
    page = phone.get(f"/live/{round_.pin}").get_data(as_text=True)
    assert "小红" in page and "换个名字" not in page
    assert phone.get(f"/live/{round_.pin}/state").json["players"] == 1


def test_answers_after_the_countdown_are_refused(app, make_question, make_quiz, make_user):
    from planner.quizzes import live

    question = make_question()
    quiz = make_quiz([question])
    with app.test_request_context():
        round_ = live.create_round(make_user("主持人", admin=True), quiz)
        live.advance(None, round_)
    db.session.commit()
    phone = app.test_client()
    phone.post(f"/live/{round_.pin}/join", data={"nickname": "小红"})
    round_ = db.session.get(LiveRound, round_.id)
    round_.question_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert phone.get(f"/live/{round_.pin}/state").json["phase"] == "reveal"
    response = phone.post(
        f"/live/{round_.pin}/answer",
        data={"option": _option(question, "正确选项")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409
    assert db.session.scalar(db.select(db.func.count(LiveAnswer.id))) == 0


def test_a_skipped_question_does_not_count(app, client, auth, make_question, make_quiz, make_user):
    first, second = make_question(), make_question()
    quiz = make_quiz([first, second])
    auth.login(make_user("主持人", admin=True))
    client.post(f"/quizzes/{quiz.id}/live", data={"seconds_per_question": 20})
    round_ = db.session.scalar(db.select(LiveRound))
    phone = app.test_client()
    phone.post(f"/live/{round_.pin}/join", data={"nickname": "小红"})
    client.post(f"/quizzes/live/{round_.id}/next")
    phone.post(f"/live/{round_.pin}/answer", data={"option": _option(first, "正确选项")})
    client.post(f"/quizzes/live/{round_.id}/skip")
    assert phone.get(f"/live/{round_.pin}/state").json["index"] == 1
    client.post(f"/quizzes/live/{round_.id}/end", data={"confirmed": "yes"})
    attempt = db.session.scalar(db.select(Attempt))
    assert (attempt.score, attempt.max_score) == (0.0, 1.0)


def test_a_phone_that_has_not_joined_gets_no_state(app, make_question, make_quiz, make_user):
    from planner.quizzes import live

    quiz = make_quiz([make_question()])
    with app.test_request_context():
        round_ = live.create_round(make_user("主持人", admin=True), quiz)
    db.session.commit()
    assert app.test_client().get(f"/live/{round_.pin}/state").status_code == 403
    assert app.test_client().get("/live/000000x").status_code == 404


def test_polling_runs_a_constant_number_of_queries(
    app, client, auth, make_question, make_quiz, make_user, count_queries
):
    quiz = make_quiz([make_question(), make_question()])
    auth.login(make_user("主持人", admin=True))
    client.post(f"/quizzes/{quiz.id}/live", data={"seconds_per_question": 20})
    round_ = db.session.scalar(db.select(LiveRound))
    client.post(f"/quizzes/live/{round_.id}/next")
    phones = [app.test_client() for _ in range(6)]
    phones[0].post(f"/live/{round_.pin}/join", data={"nickname": "玩家0"})
    with count_queries() as few:
        phones[0].get(f"/live/{round_.pin}/state")
        client.get(f"/quizzes/live/{round_.id}/state")
    question = db.session.get(Question, round_.question_ids[0])
    for i, phone in enumerate(phones[1:], start=1):
        phone.post(f"/live/{round_.pin}/join", data={"nickname": f"玩家{i}"})
        phone.post(f"/live/{round_.pin}/answer", data={"option": question.options[0].id})
    with count_queries() as many:
        phones[0].get(f"/live/{round_.pin}/state")
        client.get(f"/quizzes/live/{round_.id}/state")
    assert many.count == few.count


def test_a_phone_can_type_the_pin_instead_of_scanning(
    app, client, make_question, make_quiz, make_user
):
    from planner.quizzes import live

    quiz = make_quiz([make_question()])
    with app.test_request_context():
        round_ = live.create_round(make_user("主持人", admin=True), quiz)
    db.session.commit()
    assert client.get("/live").status_code == 200
    assert client.get(f"/live?pin={round_.pin}").location.endswith(f"/live/{round_.pin}")
    unknown = "000000" if round_.pin != "000000" else "111111"
    response = client.get(f"/live?pin={unknown}")
    assert response.status_code == 200 and "没有使用这个PIN码的快问快答。" in response.get_data(
        as_text=True
    )


def test_a_prize_quizs_live_round_takes_logged_in_players_once(
    app, client, auth, make_question, make_quiz, make_user
):
    from planner.quizzes import attempts, live

    question = make_question()
    quiz = make_quiz([question], is_prize=True)
    with app.test_request_context():
        round_ = live.create_round(make_user("主持人", admin=True), quiz)
    db.session.commit()
    anonymous = app.test_client()
    anonymous.post(f"/live/{round_.pin}/join", data={"nickname": "游客"})
    already, fresh = make_user("已参加"), make_user("新玩家")
    with app.test_request_context():
        attempts.start_attempt(quiz, user=already)
    db.session.commit()
    auth.login(already)
    client.post(f"/live/{round_.pin}/join", data={"nickname": "已参加"})
    newcomer = app.test_client()
    newcomer.post("/login", data={"phone": fresh.local_phone, "password": "correct-horse-9"})
    newcomer.post(f"/live/{round_.pin}/join", data={"nickname": "新玩家"})
    players = db.session.scalars(db.select(LivePlayer.nickname)).all()
    assert players == ["新玩家"]
    with app.test_request_context():
        round_ = db.session.get(LiveRound, round_.id)
        live.advance(None, round_)
        live.finish(None, round_)
    db.session.commit()
    entries = db.session.scalars(
        db.select(Attempt.prize_user_id).where(Attempt.quiz_id == quiz.id)
    ).all()
    assert sorted(entries) == sorted([already.id, fresh.id])


def test_skipping_after_a_reveal_keeps_the_revealed_answers(
    app, client, auth, make_question, make_quiz, make_user
):
    first, second = make_question(), make_question()
    quiz = make_quiz([first, second])
    auth.login(make_user("主持人", admin=True))
    client.post(f"/quizzes/{quiz.id}/live", data={"seconds_per_question": 20})
    round_ = db.session.scalar(db.select(LiveRound))
    phone = app.test_client()
    phone.post(f"/live/{round_.pin}/join", data={"nickname": "小红"})
    client.post(f"/quizzes/live/{round_.id}/next")
    phone.post(f"/live/{round_.pin}/answer", data={"option": _option(first, "正确选项")})
    client.post(f"/quizzes/live/{round_.id}/next")  # reveal
    client.post(f"/quizzes/live/{round_.id}/skip")  # on to the second question
    client.post(f"/quizzes/live/{round_.id}/end", data={"confirmed": "yes"})
    attempt = db.session.scalar(db.select(Attempt))
    assert (attempt.score, attempt.max_score) == (1.0, 2.0)


def test_the_host_screen_points_phones_at_the_public_address(
    app, client, auth, make_user, make_question, make_quiz
):
    app.config["PLANNER_PUBLIC_URL"] = "https://xinfeng.example.cn"
    quiz = make_quiz([make_question("single")])
    auth.login(make_user("主持人", admin=True))
    created = client.post(f"/quizzes/{quiz.id}/live", data={"seconds_per_question": 20})
    round_ = db.session.scalar(db.select(LiveRound))
    page = client.get(created.location).get_data(as_text=True)
    assert f"https://xinfeng.example.cn/live/{round_.pin}" in page
    assert "http://localhost/live" not in page
