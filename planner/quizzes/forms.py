"""Forms of the question bank, quiz settings, prizes, and the players' nickname."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from planner.forms import (
    Form,
    Optional,
    length,
    number_range,
    required,
    required_input,
    sensible_year,
    strip,
)
from planner.quizzes.models import (
    NICKNAME_MAX,
    Audience,
    Difficulty,
    FeedbackPolicy,
    QuestionType,
    Selection,
)

TYPE_LABELS = {
    QuestionType.SINGLE: _l("Single choice"),
    QuestionType.MULTIPLE: _l("Multiple choice"),
    QuestionType.TRUE_FALSE: _l("True or false"),
    QuestionType.FILL_IN: _l("Fill in the blank"),
}
DIFFICULTY_LABELS = {
    Difficulty.EASY: _l("Easy"),
    Difficulty.MEDIUM: _l("Medium"),
    Difficulty.HARD: _l("Hard"),
}
FEEDBACK_LABELS = {
    FeedbackPolicy.EACH: _l("After each question"),
    FeedbackPolicy.END: _l("At the end of the attempt"),
    FeedbackPolicy.AFTER_CLOSE: _l("After the quiz closes"),
}


class CategoryForm(Form):
    name = StringField(_l("Category"), filters=[strip], validators=[required(), length(40)])
    name_en = StringField(
        _l("Name in English"), filters=[strip], validators=[Optional(), length(80)]
    )
    submit = SubmitField(_l("Add category"))


class QuestionForm(Form):
    category_id = SelectField(_l("Category"), coerce=int, validators=[required()])
    type = SelectField(_l("Type"), choices=[(t.value, label) for t, label in TYPE_LABELS.items()])
    difficulty = SelectField(
        _l("Difficulty"),
        choices=[(d.value, label) for d, label in DIFFICULTY_LABELS.items()],
        default=Difficulty.MEDIUM.value,
    )
    text = TextAreaField(_l("Question"), filters=[strip], validators=[required(), length(1000)])
    text_en = TextAreaField(
        _l("Question in English"), filters=[strip], validators=[Optional(), length(1000)]
    )
    options = TextAreaField(
        _l("Options"),
        filters=[strip],
        validators=[Optional(), length(2000)],
        description=_l(
            "Single and multiple choice: one option a line; start each correct one with *."
        ),
        render_kw={"rows": 5},
    )
    options_en = TextAreaField(
        _l("Options in English"),
        filters=[strip],
        validators=[Optional(), length(2000)],
        description=_l("One a line, in the same order."),
        render_kw={"rows": 4},
    )
    true_false = SelectField(
        _l("True or false: the right answer"),
        choices=[("true", _l("True")), ("false", _l("False"))],
    )
    accepted_answers = TextAreaField(
        _l("Accepted answers"),
        filters=[strip],
        validators=[Optional(), length(1000)],
        description=_l(
            "Fill in the blank: one accepted answer a line. Width, spaces and case are ignored."
        ),
        render_kw={"rows": 3},
    )
    explanation = TextAreaField(
        _l("Explanation"), filters=[strip], validators=[Optional(), length(2000)]
    )
    explanation_en = TextAreaField(
        _l("Explanation in English"), filters=[strip], validators=[Optional(), length(2000)]
    )
    submit = SubmitField(_l("Save"))


class ImportForm(Form):
    file = FileField(
        _l("File"),
        description=_l(
            "CSV or XLSX in the template's columns, a Moodle GIFT text file (.gift, .txt) or a"
            " Moodle XML file (.xml)."
        ),
    )
    category = StringField(
        _l("Category for questions the file puts in none"),
        filters=[strip],
        validators=[Optional(), length(40)],
        description=_l("GIFT files without a $CATEGORY: line, and rows with an empty category."),
    )
    # The file itself, carried (base64) while the organiser confirms what it leaves out.
    pending = HiddenField()
    pending_name = HiddenField()
    confirm = HiddenField()
    submit = SubmitField(_l("Import"))


class QuizForm(Form):
    title = StringField(_l("Title"), filters=[strip], validators=[required(), length(120)])
    title_en = StringField(
        _l("Title in English"), filters=[strip], validators=[Optional(), length(200)]
    )
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), length(4000)]
    )
    description_en = TextAreaField(
        _l("Description in English"), filters=[strip], validators=[Optional(), length(4000)]
    )
    owner = SelectField(_l("Organised by"), validators=[required()])
    # Which events may be chosen is the server's rule (``services.link_event``), with its message.
    event_id = SelectField(_l("Event"), coerce=int, default=0, validate_choice=False)
    published = BooleanField(_l("Published (shown to residents)"))
    opens_at = DateTimeLocalField(_l("Opens at"), validators=[Optional(), sensible_year])
    closes_at = DateTimeLocalField(_l("Closes at"), validators=[Optional(), sensible_year])
    selection = SelectField(
        _l("Questions"),
        choices=[
            (Selection.FIXED.value, _l("A fixed list")),
            (Selection.RANDOM.value, _l("Drawn at random, N from each category")),
        ],
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions for each attempt"))
    shuffle_options = BooleanField(_l("Shuffle the options for each attempt"))
    time_limit_minutes = IntegerField(
        _l("Time limit (minutes)"), validators=[Optional(), number_range(1, 600)]
    )
    pass_percent = IntegerField(
        _l("Pass mark (%)"), default=60, validators=[required_input(), number_range(0, 100)]
    )
    attempts_allowed = IntegerField(
        _l("Attempts allowed per person"),
        default=1,
        validators=[required_input(), number_range(1, 100)],
    )
    feedback = SelectField(
        _l("Show answers and explanations"),
        choices=[(f.value, label) for f, label in FEEDBACK_LABELS.items()],
        default=FeedbackPolicy.END.value,
    )
    audience = SelectField(
        _l("Who may take part"),
        choices=[
            (Audience.ANYONE.value, _l("Anyone (with a nickname)")),
            (Audience.USERS.value, _l("Logged-in users only")),
        ],
    )
    partial_credit = BooleanField(_l("Partial credit for multiple choice"))
    speed_bonus = BooleanField(_l("Live rounds: faster right answers score more"))
    is_prize = BooleanField(
        _l("Prize quiz (login required, one attempt a person, prize draw)"),
        description=_l("Answers are then shown only after the quiz closes."),
    )
    eligible_min_percent = IntegerField(
        _l("Prize draw: minimum score (%)"),
        default=100,
        validators=[required_input(), number_range(0, 100)],
        description=_l("100 means all answers correct."),
    )
    submit = SubmitField(_l("Save"))


class PrizeForm(Form):
    name = StringField(_l("Prize"), filters=[strip], validators=[required(), length(80)])
    quantity = IntegerField(
        _l("How many"), default=1, validators=[required_input(), number_range(1, 1000)]
    )
    submit = SubmitField(_l("Add prize"))


class NicknameForm(Form):
    nickname = StringField(
        _l("Nickname"),
        filters=[strip],
        validators=[required(), length(NICKNAME_MAX, min=1)],
        description=_l("Shown on the leaderboard instead of your name."),
    )
    submit = SubmitField(_l("Start"))


class LiveRoundForm(Form):
    seconds_per_question = IntegerField(
        _l("Seconds per question"), default=20, validators=[required_input(), number_range(5, 120)]
    )
    submit = SubmitField(_l("Create a live round"))
