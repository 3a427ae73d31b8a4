"""Live rounds: the host's big screen and the players' phones, polling with conditional GETs."""

from __future__ import annotations

import hashlib
import json

import segno
from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from planner.confirmations import ask_first
from planner.errors import domain_errors_go_to
from planner.extensions import db, limiter
from planner.inputs import record_id
from planner.quizzes import live
from planner.quizzes.blueprint import bp, load_quiz, player_token
from planner.quizzes.forms import LiveRoundForm, NicknameForm
from planner.quizzes.models import LivePhase, LiveRound
from planner.timeutil import utcnow
from planner.urls import public_url

POLL_MS = 1500
# Part of every phone's ETag: a release that changes the state's JSON must not answer 304.
STATE_FORMAT = 1


def _state_response(data: dict, etag: str | None = None):
    """JSON with a strong ETag (by default over the state); the same ETag again answers 304."""
    if etag is None:
        body = json.dumps(data, ensure_ascii=False, sort_keys=True)
        etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        return _not_modified(etag)
    response = make_response(jsonify(dict(data, now=utcnow().timestamp())))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _not_modified(etag: str):
    response = make_response("", 304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _player_etag(round_id: int, version: int, phase, player_id: int) -> str:
    """A phone's state is a function of these: the round's version counts every change it shows."""
    mark = f"{STATE_FORMAT}:{round_id}:{version}:{phase.value}:{player_id}"
    return hashlib.blake2b(mark.encode(), digest_size=16).hexdigest()


# ---------------------------------------------------------------- host


def _hosted_round(round_id: int) -> LiveRound:
    round_ = live.load_round(id=round_id) or abort(404)
    load_quiz(round_.quiz_id, manage=True)
    return round_


@bp.post("/quizzes/<int:quiz_id>/live")
@domain_errors_go_to("quizzes.detail", "quiz_id")
def live_create(quiz_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    form = LiveRoundForm()
    if not form.validate_on_submit():
        flash(str(next(iter(form.errors.values()))[0]), "warning")
        return redirect(url_for("quizzes.detail", quiz_id=quiz.id))
    round_ = live.create_round(current_user, quiz, form.seconds_per_question.data)
    db.session.commit()
    return redirect(url_for("quizzes.live_host", round_id=round_.id))


@bp.get("/quizzes/live/<int:round_id>")
def live_host(round_id: int):
    round_ = _hosted_round(round_id)
    join_url = public_url("quizzes.live_play", pin=round_.pin)
    qr = Markup(segno.make(join_url, error="m").svg_inline(border=2, omitsize=True))  # noqa: S704 (segno's own SVG)
    return render_template(
        "quizzes/live_host.html",
        round=round_,
        quiz=round_.quiz,
        join_url=join_url,
        qr=qr,
        poll_ms=POLL_MS,
    )


@bp.get("/quizzes/live/<int:round_id>/state")
def live_host_state(round_id: int):
    round_ = _hosted_round(round_id)
    return _state_response(live.state(round_, host=True))


@bp.post("/quizzes/live/<int:round_id>/<any(next,skip,end):action>")
@domain_errors_go_to("quizzes.live_host", "round_id")
def live_control(round_id: int, action: str):
    round_ = _hosted_round(round_id)
    finished = round_.phase is LivePhase.FINISHED
    if action == "end" and not finished and request.accept_mimetypes.best != "application/json":
        page = ask_first(
            _("End the live round?"),
            _(
                "No more questions can be asked in this round: every player's score is saved as"
                " it stands, and the round cannot be started again."
            ),
            _("Yes, end the round"),
            url_for("quizzes.live_host", round_id=round_.id),
        )
        if page is not None:
            return page
    if action == "next":
        live.advance(current_user, round_)
    elif action == "skip":
        live.skip(current_user, round_)
    else:
        live.finish(current_user, round_)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(live.state(round_, host=True))
    return redirect(url_for("quizzes.live_host", round_id=round_.id))


# ---------------------------------------------------------------- players


def _round_by_pin(pin: str) -> LiveRound:
    return live.load_round(pin=pin) or abort(404)


@bp.get("/live")
def live_enter():
    """Typing the PIN from the big screen, for phones that cannot scan the QR code."""
    pin = "".join(ch for ch in request.args.get("pin", "") if ch.isdigit())
    if pin:
        if live.load_round(pin=pin) is not None:
            return redirect(url_for("quizzes.live_play", pin=pin))
        flash(_("No live round has this PIN."), "warning")
    return render_template("quizzes/live_enter.html")


@bp.get("/live/<pin>")
def live_play(pin: str):
    round_ = _round_by_pin(pin)
    player = live.player_of(round_, player_token())
    form = NicknameForm()
    if current_user.is_authenticated and not form.nickname.data:
        form.nickname.data = current_user.nickname or current_user.masked_name
    return render_template(
        "quizzes/live_play.html",
        round=round_,
        player=player,
        form=form,
        poll_ms=POLL_MS,
        state=live.state(round_, player) if player else None,
    )


@bp.post("/live/<pin>/join")
@limiter.limit("20 per minute")
@domain_errors_go_to("quizzes.live_play", "pin")
def live_join(pin: str):
    round_ = _round_by_pin(pin)
    form = NicknameForm()
    token = player_token(create=True)
    live.join(
        round_,
        token,
        form.nickname.data or "",
        current_user if current_user.is_authenticated else None,
    )
    db.session.commit()
    return redirect(url_for("quizzes.live_play", pin=pin))


@bp.get("/live/<pin>/state")
def live_state(pin: str):
    """Each phone polls this: a phone whose state is current gets its 304 from one small query."""
    now = utcnow()
    token = player_token()
    mark = live.poll_mark(pin, token, now) or abort(404)
    round_id, version, phase, player_id = mark
    if player_id is None:
        abort(403)
    etag = _player_etag(round_id, version, phase, player_id)
    if etag in request.if_none_match:
        return _not_modified(etag)
    round_ = live.load_round(id=round_id) or abort(404)
    player = live.player_of(round_, token) or abort(403)
    # The ETag of the round as just read (its version read before the state's rows): a change
    # committed in between gives an older ETag with newer data, so the next poll fetches again.
    etag = _player_etag(round_.id, round_.version, live.phase_of(round_, now), player.id)
    return _state_response(live.state(round_, player, now=now), etag)


@bp.post("/live/<pin>/answer")
@domain_errors_go_to("quizzes.live_play", "pin")
def live_answer(pin: str):
    """A phone's answer; refused ones answer JSON clients 409 (the DomainError handler)."""
    round_ = _round_by_pin(pin)
    player = live.player_of(round_, player_token()) or abort(403)
    option_id = request.form.get("option", type=record_id)
    if option_id is None:
        raise live.NotAccepting()
    live.submit(round_, player, option_id)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": True, "error": None})
    return redirect(url_for("quizzes.live_play", pin=pin))
