"""Public quiz pages: listing, taking an attempt, results, leaderboards and prize draws."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner import inputs, permissions
from planner.errors import domain_errors_go_to
from planner.exceptions import DomainError
from planner.extensions import db, limiter
from planner.quizzes import attempts as attempt_services
from planner.quizzes import draws, live, live_views, manage_views, services  # noqa: F401  (their routes)
from planner.quizzes.blueprint import bp, load_quiz, player_token
from planner.quizzes.forms import NicknameForm
from planner.quizzes.models import Attempt
from planner.timeutil import utcnow

__all__ = ["bp"]


@bp.get("/quizzes")
def index():
    quizzes = services.published_quizzes()
    now = utcnow()
    return render_template(
        "quizzes/index.html",
        quizzes=quizzes,
        is_open=lambda q: attempt_services.is_open(q, now),
        can_edit_bank=permissions.can_edit_question_bank(),
    )


@bp.get("/quizzes/<int:quiz_id>")
def detail(quiz_id: int):
    quiz = load_quiz(quiz_id)
    user = current_user if current_user.is_authenticated else None
    token = player_token()
    used = attempt_services.attempts_used(quiz, user, token)
    mine = attempt_services.attempts_of(quiz, user, token)
    can_manage = permissions.can_manage_quiz(quiz)
    rounds = live.recent_rounds(quiz) if can_manage else []
    return render_template(
        "quizzes/detail.html",
        quiz=quiz,
        form=NicknameForm(),
        is_open=attempt_services.is_open(quiz),
        used=used,
        mine=mine,
        can_manage=can_manage,
        rounds=rounds,
    )


@bp.post("/quizzes/<int:quiz_id>/start")
@limiter.limit("20 per minute")  # each start writes an attempt: no floods from one address
@domain_errors_go_to("quizzes.detail", "quiz_id")
def start(quiz_id: int):
    quiz = load_quiz(quiz_id)
    user = current_user if current_user.is_authenticated else None
    form = NicknameForm()
    if user is None and (quiz.is_prize or quiz.audience.value == "users"):
        flash(str(attempt_services.LoginNeeded.message), "warning")
        return redirect(url_for("accounts.login", next=url_for("quizzes.detail", quiz_id=quiz.id)))
    if user is None and not form.validate():
        return render_template(
            "quizzes/detail.html",
            quiz=quiz,
            form=form,
            is_open=attempt_services.is_open(quiz),
            used=0,
            mine=[],
            can_manage=permissions.can_manage_quiz(quiz),
            rounds=[],
        ), 400
    token = player_token(create=user is None)
    attempt = attempt_services.start_attempt(
        quiz, user=user, player_token=token, nickname=form.nickname.data or ""
    )
    db.session.commit()
    return redirect(url_for("quizzes.take", quiz_id=quiz.id, attempt_id=attempt.id))


def _own_attempt(quiz_id: int, attempt_id: int) -> Attempt:
    """The attempt with every slot, question and option, if it is this person's; else 404."""
    return _owned(attempt_services.load_attempt(attempt_id), quiz_id)


def _owned(attempt: Attempt | None, quiz_id: int) -> Attempt:
    """The attempt, if it belongs to the current user or this phone's player cookie; else 404."""
    if attempt is None or attempt.quiz_id != quiz_id:
        abort(404)
    if attempt.user_id is not None:
        if not (current_user.is_authenticated and current_user.id == attempt.user_id):
            abort(404)
    elif not attempt.player_token or attempt.player_token != player_token():
        abort(404)
    return attempt


@bp.get("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>")
def take(quiz_id: int, attempt_id: int):
    attempt = _own_attempt(quiz_id, attempt_id)
    if attempt_services.close_if_expired(attempt):
        db.session.commit()
    if attempt.is_finished:
        return redirect(url_for("quizzes.result", quiz_id=quiz_id, attempt_id=attempt.id))
    slot = attempt_services.current_slot(attempt)
    if slot is None:  # every question answered: nothing left but the result
        attempt_services.finish(attempt)
        db.session.commit()
        return redirect(url_for("quizzes.result", quiz_id=quiz_id, attempt_id=attempt.id))
    feedback_slot = None
    shown = request.args.get("feedback", type=int)
    if shown is not None and 0 <= shown < len(attempt.answers):
        candidate = attempt.answers[shown]
        if attempt_services.may_reveal(attempt, candidate):
            feedback_slot = candidate
    options = {o.id: o for o in slot.question.options}
    return render_template(
        "quizzes/take.html",
        quiz=attempt.quiz,
        attempt=attempt,
        slot=slot,
        ordered_options=[options[i] for i in slot.option_order if i in options],
        feedback_slot=feedback_slot,
        seconds_left=int((attempt.deadline_at - utcnow()).total_seconds())
        if attempt.deadline_at
        else None,
    )


@bp.post("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>/answer")
def answer(quiz_id: int, attempt_id: int):
    # Only the one slot answered, with its attempt and quiz: the page after the redirect
    # loads the rest, and this is the request a quiz's players send most.
    position = request.form.get("position", type=int)
    slot = None
    if position is not None and 0 <= position < 2**31:  # beyond, no database takes the number
        slot = attempt_services.load_slot(attempt_id, position)
    if slot is None:
        _owned(attempt_services.find_attempt(attempt_id), quiz_id)  # someone else's attempt: 404
        abort(400)
    attempt = _owned(slot.attempt, quiz_id)
    chosen = inputs.ids(request.form.getlist("option"))
    try:
        attempt_services.answer(attempt, slot, chosen, request.form.get("text", ""))
    except DomainError as exc:
        flash(str(exc.message), "warning")
        answered = False
    else:
        answered = True
        if slot.late:
            flash(_("Time was up: this answer was not scored."), "warning")
    # Decided before the commit, which would expire (and so reload) what they read.
    finished = attempt.is_finished
    feedback = position if attempt_services.may_reveal(attempt, slot) else None
    if answered:
        db.session.commit()
    if finished:
        return redirect(url_for("quizzes.result", quiz_id=quiz_id, attempt_id=attempt_id))
    return redirect(
        url_for("quizzes.take", quiz_id=quiz_id, attempt_id=attempt_id, feedback=feedback)
    )


@bp.post("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>/finish")
def finish(quiz_id: int, attempt_id: int):
    attempt = _own_attempt(quiz_id, attempt_id)
    attempt_services.finish(attempt)
    db.session.commit()
    return redirect(url_for("quizzes.result", quiz_id=quiz_id, attempt_id=attempt.id))


@bp.get("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>/result")
def result(quiz_id: int, attempt_id: int):
    attempt = _own_attempt(quiz_id, attempt_id)
    if attempt_services.close_if_expired(attempt):
        db.session.commit()
    if not attempt.is_finished:
        return redirect(url_for("quizzes.take", quiz_id=quiz_id, attempt_id=attempt.id))
    won = draws.prize_won_by(attempt)
    return render_template(
        "quizzes/result.html",
        quiz=attempt.quiz,
        attempt=attempt,
        won=won,
        reveal=attempt_services.may_reveal(attempt),
        options_by_id={o.id: o for a in attempt.answers for o in a.question.options},
    )


@bp.get("/quizzes/<int:quiz_id>/leaderboard")
def leaderboard(quiz_id: int):
    quiz = load_quiz(quiz_id)
    return render_template(
        "quizzes/leaderboard.html", quiz=quiz, rows=attempt_services.leaderboard(quiz)
    )


@bp.get("/quizzes/<int:quiz_id>/draw")
def draw(quiz_id: int):
    quiz = load_quiz(quiz_id)
    if not quiz.is_prize:
        abort(404)
    drawn = quiz.drawn_at is not None
    entries = draws.eligible_attempts(quiz) if drawn else []
    tickets = {a.id: draws.ticket(quiz.seed, a.id) for a in entries} if drawn else {}
    return render_template(
        "quizzes/draw.html",
        quiz=quiz,
        drawn=drawn,
        entries=entries,
        tickets=tickets,
        winners=draws.winners_of(quiz) if drawn else [],
        can_manage=permissions.can_manage_quiz(quiz),
        closed=attempt_services.has_closed(quiz),
    )


@bp.get("/quizzes/fairness")
def fairness():
    return render_template("quizzes/fairness.html")
