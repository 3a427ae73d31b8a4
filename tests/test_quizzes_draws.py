"""Prize draws: commit before opening, reveal at the draw, anyone can recompute the winners."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

import pytest

from planner.extensions import db
from planner.notifications.models import Notification
from planner.quizzes import draws
from planner.quizzes.models import Attempt, Prize, PrizeWinner, Quiz
from planner.timeutil import utcnow


@pytest.fixture
def prize_quiz(make_question, make_quiz, make_department):
    quiz = make_quiz(
        [make_question()],
        is_prize=True,
        eligible_min_percent=60,
        owner=make_department("市文明办"),
        opens_at=utcnow() - timedelta(days=2),
        closes_at=utcnow() + timedelta(days=1),
    )
    quiz.prizes.extend(
        [Prize(name="一等奖", quantity=1, position=0), Prize(name="纪念奖", quantity=2, position=1)]
    )
    db.session.commit()
    return quiz


def _enter(quiz, users, percents):
    start = utcnow() - timedelta(hours=1)
    for i, (user, percent) in enumerate(zip(users, percents, strict=True)):
        db.session.add(
            Attempt(
                quiz_id=quiz.id,
                user_id=user.id,
                prize_user_id=user.id,
                started_at=start,
                finished_at=start + timedelta(minutes=i + 1),
                score=percent / 100,
                max_score=1,
                percent=percent,
            )
        )
    db.session.commit()


def _close(quiz):
    quiz = db.session.get(Quiz, quiz.id)
    quiz.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    return quiz


def test_the_commitment_is_shown_before_opening_and_the_seed_is_not(client, prize_quiz):
    text = client.get(f"/quizzes/{prize_quiz.id}").get_data(as_text=True)
    assert prize_quiz.seed_hash in text
    assert prize_quiz.seed not in text
    assert prize_quiz.seed not in client.get(f"/quizzes/{prize_quiz.id}/draw").get_data(
        as_text=True
    )
    assert hashlib.sha256(prize_quiz.seed.encode()).hexdigest() == prize_quiz.seed_hash


def test_the_draw_waits_for_the_quiz_to_close(app, prize_quiz):
    with app.test_request_context(), pytest.raises(draws.DrawNotReady):
        draws.run_draw(None, prize_quiz)


def test_the_published_draw_can_be_recomputed_independently(
    client, auth, make_user, grant, prize_quiz
):
    users = [make_user(f"参与者{i}") for i in range(7)]
    _enter(prize_quiz, users, [100, 40, 80, 60, 100, 59, 90])
    quiz = _close(prize_quiz)
    organiser = make_user("组织者")
    grant(organiser, quiz.department)
    auth.login(organiser)
    assert client.post(f"/quizzes/{quiz.id}/draw/run").status_code == 302
    page = client.get(f"/quizzes/{quiz.id}/draw").get_data(as_text=True)

    # Everything below uses only what the public page shows, and the standard library.
    commitment = re.search(r'id="commitment">([0-9a-f]{64})<', page).group(1)
    seed = re.search(r'id="seed">([0-9a-f]{64})<', page).group(1)
    assert hashlib.sha256(seed.encode("ascii")).hexdigest() == commitment
    table = page.split("<tbody>")[-1]
    entries = [int(n) for n in re.findall(r"<tr><td>\d+</td><td>(\d+)</td>", table)]
    assert len(entries) == 5  # scores 100, 80, 60, 100, 90 are at least 60
    ticket = lambda n: hmac.new(seed.encode(), str(n).encode(), hashlib.sha256).hexdigest()  # noqa: E731
    expected = sorted(entries, key=ticket)[:3]
    winners = db.session.scalars(db.select(PrizeWinner).order_by(PrizeWinner.rank)).all()
    assert [w.attempt_id for w in winners] == expected
    assert [w.prize.name for w in winners] == ["一等奖", "纪念奖", "纪念奖"]


def test_the_draw_runs_only_once_and_notifies_each_winner(app, make_user, prize_quiz):
    users = [make_user(f"参与者{i}") for i in range(2)]
    _enter(prize_quiz, users, [100, 100])
    quiz = _close(prize_quiz)
    winners = draws.run_draw(None, quiz)
    db.session.commit()
    assert len(winners) == 2  # three prizes, two entrants
    notes = db.session.scalars(db.select(Notification)).all()
    assert sorted(n.recipient_id for n in notes) == sorted(u.id for u in users)
    assert all("市文明办" in n.body for n in notes)
    with app.test_request_context():
        again = draws.run_draw(None, quiz)  # the draw as it stands, nobody notified twice
    db.session.commit()
    assert [w.id for w in again] == [w.id for w in winners]
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 2


def test_the_ranking_is_deterministic_and_independent_of_list_order():
    seed = "ab" * 32
    assert draws.rank_entries(seed, [5, 3, 9, 1]) == draws.rank_entries(seed, [1, 9, 3, 5])
    assert draws.ticket(seed, 7) == hmac.new(seed.encode(), b"7", hashlib.sha256).hexdigest()


def test_an_organiser_marks_a_prize_claimed_once(client, auth, make_user, grant, prize_quiz):
    _enter(prize_quiz, [make_user("得奖者")], [100])
    quiz = _close(prize_quiz)
    winner = draws.run_draw(None, quiz)[0]
    db.session.commit()
    organiser = make_user("组织者")
    grant(organiser, quiz.department)
    auth.login(organiser)
    client.post(f"/quizzes/{quiz.id}/winners/{winner.id}/claim")
    claimed = db.session.get(PrizeWinner, winner.id).claimed_at
    assert claimed is not None
    client.post(f"/quizzes/{quiz.id}/winners/{winner.id}/claim")
    assert db.session.get(PrizeWinner, winner.id).claimed_at == claimed


def test_prizes_cannot_change_once_the_prize_quiz_has_opened(client, auth, make_user, prize_quiz):
    auth.login(make_user("管理员", admin=True))
    client.post(f"/quizzes/{prize_quiz.id}/prizes", data={"name": "新奖品", "quantity": 1})
    assert [p.name for p in db.session.get(Quiz, prize_quiz.id).prizes] == ["一等奖", "纪念奖"]


def test_an_organiser_of_another_organisation_cannot_run_the_draw(
    client, auth, make_user, make_department, grant, prize_quiz
):
    quiz = _close(prize_quiz)
    outsider = make_user("别的组织者")
    grant(outsider, make_department("市财政局"))
    auth.login(outsider)
    assert client.post(f"/quizzes/{quiz.id}/draw/run").status_code == 403
    assert db.session.get(Quiz, quiz.id).drawn_at is None


def test_the_fairness_page_explains_the_algorithm_in_both_languages(client):
    text = client.get("/quizzes/fairness").get_data(as_text=True)
    assert "HMAC-SHA256" in text and "抽奖算法" in text and "The draw algorithm" in text


def test_a_winner_sees_the_prize_and_how_to_claim_it_on_the_result_page(
    client, auth, make_user, prize_quiz
):
    winner_user = make_user("得奖者")
    _enter(prize_quiz, [winner_user], [100])
    quiz = _close(prize_quiz)
    with client.application.test_request_context():
        draws.run_draw(None, quiz)
    db.session.commit()
    attempt = db.session.scalar(db.select(Attempt))
    auth.login(winner_user)
    page = client.get(f"/quizzes/{quiz.id}/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "一等奖" in page and "市文明办" in page
