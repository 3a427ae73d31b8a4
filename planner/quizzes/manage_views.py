"""Organiser pages: the question bank, import/export, quiz settings, prizes, draws, statistics."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner import exports, inputs
from planner.errors import domain_errors_go_to, show_on_form
from planner.exceptions import DomainError
from planner.extensions import db
from planner.inputs import record_id
from planner.quizzes import bank, draws, imports, services, stats
from planner.quizzes.blueprint import bp, load_quiz, require_organiser
from planner.quizzes.forms import (
    CategoryForm,
    ImportForm,
    PrizeForm,
    QuestionForm,
    QuizForm,
)
from planner.quizzes.models import (
    Audience,
    Difficulty,
    FeedbackPolicy,
    Question,
    QuestionType,
    Quiz,
    Selection,
)
from planner.timeutil import from_local, to_local


def _download(data, filename: str, mimetype: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


# ---------------------------------------------------------------- question bank


def _category_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in bank.categories()]


@bp.get("/quizzes/bank")
def bank_list():
    require_organiser()
    category_id = request.args.get("category", type=record_id)
    page = bank.bank_page(category_id)
    return render_template(
        "quizzes/bank.html",
        page=page,
        categories=_category_choices(),
        category_id=category_id,
        category_form=CategoryForm(),
    )


@bp.post("/quizzes/bank/categories")
@domain_errors_go_to("quizzes.bank_list")
def add_category():
    require_organiser()
    form = CategoryForm()
    if form.validate():
        bank.add_category(current_user, form.name.data, form.name_en.data or "")
        db.session.commit()
        flash(_("The category has been added."), "success")
    else:
        for errors in form.errors.values():
            flash(str(errors[0]), "warning")
    return redirect(url_for("quizzes.bank_list"))


def _draft_from_form(form: QuestionForm) -> bank.QuestionDraft:
    qtype = QuestionType(form.type.data)
    draft = bank.QuestionDraft(
        type=qtype,
        text=form.text.data or "",
        text_en=form.text_en.data or "",
        explanation=form.explanation.data or "",
        explanation_en=form.explanation_en.data or "",
        difficulty=Difficulty(form.difficulty.data),
    )
    if qtype is QuestionType.TRUE_FALSE:
        draft.options = bank.true_false_options(form.true_false.data == "true")
    elif qtype is QuestionType.FILL_IN:
        draft.accepted = [line.strip() for line in (form.accepted_answers.data or "").splitlines()]
    else:
        lines = [line.strip() for line in (form.options.data or "").splitlines() if line.strip()]
        english = [
            line.strip() for line in (form.options_en.data or "").splitlines() if line.strip()
        ]
        for i, line in enumerate(lines):
            correct = line.startswith(("*", "＊"))
            draft.options.append(
                bank.OptionDraft(
                    line.lstrip("*＊").strip(), correct, english[i] if i < len(english) else ""
                )
            )
    return draft


def _fill_question_form(form: QuestionForm, question: Question) -> None:
    form.category_id.data = question.category_id
    form.type.data = question.type.value
    form.difficulty.data = question.difficulty.value
    form.text.data, form.text_en.data = question.text, question.text_en
    form.explanation.data, form.explanation_en.data = question.explanation, question.explanation_en
    form.options.data = "\n".join(("*" if o.is_correct else "") + o.text for o in question.options)
    form.options_en.data = "\n".join(o.text_en for o in question.options if o.text_en)
    form.true_false.data = (
        "true" if question.options and question.options[0].is_correct else "false"
    )
    form.accepted_answers.data = "\n".join(question.answers)


@bp.route("/quizzes/bank/new", methods=["GET", "POST"], endpoint="question_new")
@bp.route("/quizzes/bank/<int:question_id>/edit", methods=["GET", "POST"])
def question_edit(question_id: int | None = None):
    require_organiser()
    question = (bank.find_question(question_id) or abort(404)) if question_id else Question()
    form = QuestionForm()
    form.category_id.choices = _category_choices()
    if request.method == "GET" and question.id:
        _fill_question_form(form, question)
    if form.validate_on_submit():
        category = bank.find_category(form.category_id.data) or abort(400)
        try:
            draft = _draft_from_form(form)
            bank.keep_what_the_form_hides(question, draft)
            bank.save_question(current_user, question, draft, category)
        except DomainError as exc:
            show_on_form(form, exc, "text")
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return redirect(url_for("quizzes.bank_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("quizzes/question_edit.html", form=form, question=question), status


@bp.post("/quizzes/bank/<int:question_id>/archive")
def question_archive(question_id: int):
    require_organiser()
    question = db.get_or_404(Question, question_id)
    bank.archive_question(current_user, question)
    db.session.commit()
    flash(_("The question has been removed from the bank."), "info")
    return redirect(url_for("quizzes.bank_list"))


def _uploaded(form: ImportForm) -> tuple[str, bytes]:
    """The file's name and bytes: the upload, or the file carried while the organiser confirms."""
    upload = form.file.data
    if upload and upload.filename:
        data = upload.read(imports.MAX_BYTES + 1)
        upload.close()  # a large upload is a temporary file: close it now
        name = upload.filename
    elif form.pending.data:
        data, name = imports.carried_file(form.pending.data), form.pending_name.data or ""
    else:
        raise imports.NoFile()
    if len(data) > imports.MAX_BYTES:
        raise imports.UnreadableFile(imports.TOO_LARGE)
    return name, data


def _imported_message(parsed) -> str:
    if parsed.encoding:
        return _(
            "%(count)d questions have been imported (the file was read as %(encoding)s).",
            count=len(parsed.drafts),
            encoding=parsed.encoding,
        )
    return _("%(count)d questions have been imported.", count=len(parsed.drafts))


@bp.route("/quizzes/bank/import", methods=["GET", "POST"])
def bank_import():
    """Import a file; what it leaves out is shown first, with the file carried to confirm."""
    require_organiser()
    form = ImportForm()
    errors, preview = [], None
    status = 200
    if form.validate_on_submit():
        try:
            name, data = _uploaded(form)
            parsed = imports.read_file(name, data, form.category.data or "")
            if parsed.skipped and form.confirm.data != "1":
                preview = parsed
                form.pending.data, form.pending_name.data = imports.carry_file(data), name
                form.confirm.data = "1"
            else:
                imports.import_drafts(current_user, parsed.drafts)
        except imports.ImportFailed as exc:
            db.session.rollback()
            errors = exc.errors
            flash(str(exc.message), "danger")
            status = 400
        except DomainError as exc:
            show_on_form(form, exc, "file")
            status = 400
        else:
            if preview is None:
                db.session.commit()
                flash(_imported_message(parsed), "success")
                return redirect(url_for("quizzes.bank_list"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "quizzes/import.html", form=form, errors=errors, preview=preview, columns=imports.COLUMNS
    ), status


@bp.get("/quizzes/bank/export.<any(csv,xlsx,gift,xml):fmt>")
def bank_export(fmt: str):
    require_organiser()
    questions = imports.bank_questions(request.args.get("category", type=record_id))
    if fmt in exports.FORMATS:
        return exports.download("questions", fmt, imports.question_sheet(questions))
    if fmt == "xml":
        return _download(imports.export_moodle_xml(questions), "questions.xml", "application/xml")
    return _download(imports.export_gift(questions).encode(), "questions.gift.txt", "text/plain")


@bp.get("/quizzes/bank/template.<any(csv,xlsx):fmt>")
def bank_template(fmt: str):
    require_organiser()
    return exports.download("question-template", fmt, *imports.template_sheets(fmt))


# ---------------------------------------------------------------- quizzes


def _event_choices(quiz: Quiz) -> list[tuple[int, str]]:
    return [(0, _("No event"))] + [
        (e.id, f"{e.title} ({to_local(e.starts_at):%Y-%m-%d})")
        for e in services.event_choices(current_user, quiz)
    ]


@bp.get("/quizzes/manage")
def manage():
    require_organiser()
    quizzes = services.managed_quizzes(current_user)
    return render_template("quizzes/manage.html", quizzes=quizzes)


def _fill_quiz_form(form: QuizForm, quiz: Quiz) -> None:
    form.process(
        obj=quiz,
        owner=services.owner_choice(quiz),
        event_id=quiz.event_id or 0,
        selection=quiz.selection.value,
        feedback=quiz.feedback.value,
        audience=quiz.audience.value,
        opens_at=to_local(quiz.opens_at).replace(tzinfo=None) if quiz.opens_at else None,
        closes_at=to_local(quiz.closes_at).replace(tzinfo=None) if quiz.closes_at else None,
        time_limit_minutes=(quiz.time_limit_seconds or 0) // 60 or None,
    )


def _copy_settings(form: QuizForm, quiz: Quiz, owner, prize_rules: bool) -> None:
    """The form's settings onto the quiz; the prize rules only while they may change."""
    quiz.title, quiz.title_en = form.title.data, form.title_en.data or ""
    quiz.description = form.description.data or ""
    quiz.description_en = form.description_en.data or ""
    quiz.owner = owner
    quiz.published = form.published.data
    quiz.opens_at = from_local(form.opens_at.data) if form.opens_at.data else None
    quiz.closes_at = from_local(form.closes_at.data) if form.closes_at.data else None
    quiz.selection = Selection(form.selection.data)
    quiz.shuffle_questions = form.shuffle_questions.data
    quiz.shuffle_options = form.shuffle_options.data
    quiz.time_limit_seconds = (
        form.time_limit_minutes.data * 60 if form.time_limit_minutes.data else None
    )
    quiz.pass_percent = form.pass_percent.data
    quiz.attempts_allowed = form.attempts_allowed.data
    quiz.feedback = FeedbackPolicy(form.feedback.data)
    quiz.audience = Audience(form.audience.data)
    quiz.partial_credit = form.partial_credit.data
    quiz.speed_bonus = form.speed_bonus.data
    if prize_rules:
        quiz.is_prize = form.is_prize.data
        quiz.eligible_min_percent = form.eligible_min_percent.data


@bp.route("/quizzes/new", methods=["GET", "POST"], endpoint="quiz_new")
@bp.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
def quiz_edit(quiz_id: int | None = None):
    if quiz_id is None:
        require_organiser()
        quiz = Quiz()
    else:
        quiz = load_quiz(quiz_id, manage=True)
    form = QuizForm()
    form.owner.choices = services.owner_choices(current_user)
    form.event_id.choices = _event_choices(quiz)
    if request.method == "GET" and quiz.id:
        _fill_quiz_form(form, quiz)
    if form.validate_on_submit():
        owner = services.owner_named(form.owner.data)
        if form.owner.data != services.CITY and owner is None:
            abort(400)
        if quiz.id and quiz.drawn_at is not None:
            flash(_("The draw has been run: this quiz can no longer change."), "warning")
            return redirect(url_for("quizzes.detail", quiz_id=quiz.id))
        locked = quiz.id is not None and services.prize_rules_locked(quiz)
        _copy_settings(form, quiz, owner, prize_rules=not locked)
        if quiz.id is None:
            quiz.created_by_id = current_user.id
        try:
            services.link_event(current_user, quiz, form.event_id.data or None)
            services.save_quiz(current_user, quiz)
        except DomainError as exc:
            show_on_form(form, exc, "title")
        else:
            db.session.commit()
            flash(_("The quiz has been saved."), "success")
            return redirect(url_for("quizzes.quiz_questions", quiz_id=quiz.id))
    status = 400 if request.method == "POST" else 200
    return render_template("quizzes/quiz_edit.html", form=form, quiz=quiz), status


@bp.route("/quizzes/<int:quiz_id>/questions", methods=["GET", "POST"])
def quiz_questions(quiz_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    categories = bank.categories()
    if request.method == "POST":
        if quiz.selection is Selection.FIXED:
            ids = inputs.ids(request.form.getlist("question"))
            services.set_questions(current_user, quiz, ids)
        else:
            counts = {}
            for category in categories:
                value = request.form.get(f"count-{category.id}", "0").strip()
                counts[category.id] = int(value) if value.isdigit() else 0
            services.set_category_rules(current_user, quiz, counts)
        db.session.commit()
        flash(_("The quiz's questions have been saved."), "success")
        return redirect(url_for("quizzes.quiz_questions", quiz_id=quiz.id))
    questions = imports.bank_questions()
    return render_template(
        "quizzes/quiz_questions.html",
        quiz=quiz,
        questions=questions,
        categories=categories,
        selected={item.question_id for item in quiz.items},
        rule_counts={rule.category_id: rule.count for rule in quiz.category_rules},
    )


@bp.route("/quizzes/<int:quiz_id>/prizes", methods=["GET", "POST"])
@domain_errors_go_to("quizzes.prizes", "quiz_id")
def prizes(quiz_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    if not quiz.is_prize:
        abort(404)
    form = PrizeForm()
    status = 200
    if form.validate_on_submit():
        services.add_prize(current_user, quiz, form.name.data, form.quantity.data)
        db.session.commit()
        flash(_("The prize has been added."), "success")
        return redirect(url_for("quizzes.prizes", quiz_id=quiz.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "quizzes/prizes.html",
        quiz=quiz,
        form=form,
        locked=services.prize_rules_locked(quiz),
        winners=draws.winners_of(quiz),
    ), status


@bp.post("/quizzes/<int:quiz_id>/prizes/<int:prize_id>/remove")
@domain_errors_go_to("quizzes.prizes", "quiz_id")
def prize_remove(quiz_id: int, prize_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    prize = next((p for p in quiz.prizes if p.id == prize_id), None) or abort(404)
    services.remove_prize(current_user, quiz, prize)
    db.session.commit()
    return redirect(url_for("quizzes.prizes", quiz_id=quiz.id))


@bp.post("/quizzes/<int:quiz_id>/draw/run")
@domain_errors_go_to("quizzes.draw", "quiz_id")
def run_draw(quiz_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    winners = draws.run_draw(current_user, quiz)
    db.session.commit()
    flash(_("The draw is done: %(count)d winners.", count=len(winners)), "success")
    return redirect(url_for("quizzes.draw", quiz_id=quiz.id))


@bp.post("/quizzes/<int:quiz_id>/winners/<int:winner_id>/claim")
@domain_errors_go_to("quizzes.prizes", "quiz_id")
def claim(quiz_id: int, winner_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    winner = draws.winner_of(quiz, winner_id) or abort(404)
    draws.mark_claimed(current_user, winner)
    db.session.commit()
    flash(_("The prize is marked as claimed."), "success")
    return redirect(url_for("quizzes.prizes", quiz_id=quiz.id))


def _stats_labels() -> dict[str, str]:
    return {
        "quiz": _("Quiz"),
        "participants": _("Participants"),
        "average": _("Average score (per cent)"),
        "pass_rate": _("Pass rate (per cent)"),
        "day": _("Day"),
        "question": _("Question"),
        "attempts": _("Answers"),
        "correct_rate": _("Correct (per cent)"),
        "options": _("Times each option was chosen"),
        "top_wrong": _("Most chosen wrong option"),
    }


@bp.get("/quizzes/<int:quiz_id>/stats")
def quiz_stats(quiz_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    return render_template("quizzes/stats.html", quiz=quiz, stats=stats.quiz_stats(quiz))


@bp.get("/quizzes/<int:quiz_id>/stats.xlsx")
def quiz_stats_xlsx(quiz_id: int):
    quiz = load_quiz(quiz_id, manage=True)
    sheets = stats.stats_sheets(quiz, stats.quiz_stats(quiz), _stats_labels())
    return exports.download(f"quiz-{quiz.id}-stats", "xlsx", *sheets)
