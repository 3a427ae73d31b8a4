"""Moodle's GIFT text format, read and written construct by construct, as Moodle's own importer
(question/format/gift) reads it. What the bank holds arrives exactly; a question it cannot hold
is skipped, and a part of one it cannot hold is left out, each listed with its line for the
organiser to confirm; a question that is wrong in itself is refused with its line. The README's
table says what happens to each construct."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from planner.exceptions import DomainError
from planner.quizzes import bank, intake
from planner.quizzes.bank import OptionDraft, QuestionDraft
from planner.quizzes.models import QuestionType
from planner.quizzes.richtext import (
    has_media,
    html_to_text,
    looks_like_html,
    markdown_to_text,
    text_to_html,
)

BLANK = "＿＿"  # where a missing-word question's answer goes, kept visible in the text
_MARKER = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_SPECIALS = "~=#{}:"

SKIP_DESCRIPTION = _l("A description (text without answers) is not a question: skipped.")
SKIP_ESSAY = _l("An essay question (empty answers) is not supported: skipped.")
SKIP_NUMERIC = _l("A numerical question ({#…}) is not supported: skipped.")
SKIP_MATCHING = _l("A matching question (… -> …) is not supported: skipped.")
SKIP_NO_FULL_ANSWER = _l("No answer of this fill-in question is fully right: skipped.")
MEDIA_DROPPED = _l("An image or other media in a text is not kept.")


def _dropped_zero(answer: str):
    return _l(
        "The answer “%(answer)s” is worth 0%%, so it is left out: it scores nothing either way.",
        answer=answer,
    )


def _dropped_partial(answer: str, weight: str):
    return _l(
        "The answer “%(answer)s” is worth %(weight)s%% in Moodle; here a fill-in answer is right"
        " or not, so it is left out.",
        answer=answer,
        weight=weight,
    )


def _dropped_wildcard(answer: str):
    return _l(
        "The answer “%(answer)s” uses the * wildcard, which is not supported: left out.",
        answer=answer,
    )


def _dropped_feedback(answer: str):
    return _l("The feedback on the fill-in answer “%(answer)s” is not kept.", answer=answer)


class BadGift(bank.InvalidQuestion):
    message = _l("A GIFT question needs its answers in { }.")


class UnclosedTitle(bank.InvalidQuestion):
    message = _l("A GIFT title is not closed with ::.")


class TwoAnswerBlocks(bank.InvalidQuestion):
    message = _l("A GIFT question may have one answer block { } only.")


class AnswerWithoutMarker(bank.InvalidQuestion):
    message = _l("Every GIFT answer starts with = (right) or ~ (wrong).")


class NoCategory(intake.UnreadableFile):
    """A question with no category from the file or the form: the form's field is asked for
    once, rather than every question of the file refused."""

    message = _l("Choose a category on the import form, or put a $CATEGORY: line in the file.")
    field = "category"


class LongCategory(bank.InvalidQuestion):
    message = _l("A category name may have at most 40 characters.")


# ---------------------------------------------------------------- escaping


def category_name(path: str) -> str:
    """The last part of a Moodle category path (``$course$/top/婚事新办``); Moodle writes a ``/``
    inside a name as ``//``."""
    parts = re.split(r"(?<!/)/(?!/)", path.strip())
    return parts[-1].replace("//", "/").strip()


def category_path(name: str) -> str:
    return "$course$/top/" + name.replace("/", "//")


def escape(text: str) -> str:
    """``text`` with GIFT's special characters behind a backslash and line breaks as ``\\n``."""
    text = text.replace("\\", "\\\\")
    for ch in _SPECIALS:
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text, flags=re.S)


def _find(text: str, target: str, start: int = 0) -> int:
    """The index of the first unescaped ``target`` from ``start``, or -1 (by regular expression:
    a character loop in Python took seconds on a 5 MB answer)."""
    for match in re.compile(r"\\.|" + re.escape(target), re.S).finditer(text, start):
        if not match.group().startswith("\\"):
            return match.start()
    return -1


def _split(text: str, markers: str) -> list[tuple[str, str]]:
    """Split at unescaped ``markers``; each part keeps the marker before it ('' for the first)."""
    parts, marker, begin = [], "", 0
    for match in re.compile(r"\\.|[" + re.escape(markers) + "]", re.S).finditer(text):
        if match.group().startswith("\\"):
            continue
        parts.append((marker, text[begin : match.start()]))
        marker, begin = match.group(), match.end()
    parts.append((marker, text[begin:]))
    return [(m, body) for m, body in parts if m or body.strip()]


def _text(raw: str, default: str = "moodle") -> tuple[str, str]:
    """(plain text, format) of a GIFT text with its optional ``[format]`` marker: HTML (and
    Moodle's own format when it holds tags) is reduced to its text, Markdown rendered first."""
    marker = _MARKER.match(raw)
    fmt = marker.group(1).lower() if marker else default
    raw = raw[marker.end() :] if marker else raw
    if fmt in ("moodle", "plain") and not looks_like_html(raw):
        # A line's indentation in the file is layout: Moodle shows these formats without it.
        raw = "\n".join(line.strip() for line in raw.split("\n"))
    text = _unescape(raw)
    if fmt == "html" or (fmt == "moodle" and looks_like_html(text)):
        text = html_to_text(text)
    elif fmt == "markdown":
        text = markdown_to_text(text)
    return text.strip(), fmt


# ---------------------------------------------------------------- reading


def read(text: str, default_category: str = "", parsed: intake.Parsed | None = None):
    """Every question of a GIFT text; questions are separated by blank lines."""
    parsed = parsed or intake.Parsed()
    category = default_category
    block: list[str] = []
    first_line = 0

    def flush():
        if block:
            try:
                draft = _question("\n".join(block), category, first_line, parsed)
            except intake.UnreadableFile:
                raise  # the whole file is refused, not this question
            except DomainError as exc:
                parsed.add(first_line, exc)
            else:
                if draft is not None:
                    parsed.add(first_line, draft)
            block.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("//"):
            continue
        if line.startswith("$CATEGORY:"):
            flush()
            category = category_name(line[len("$CATEGORY:") :]) or default_category
            continue
        if not line:
            flush()
            continue
        if not block:
            first_line = number
        block.append(raw.rstrip())
    flush()
    return parsed


def _question(block: str, category: str, line: int, parsed: intake.Parsed) -> QuestionDraft | None:
    text = block.strip()
    if text.startswith("::"):
        end = _find(text, "::", 2)
        if end < 0:
            raise UnclosedTitle()
        text = text[end + 2 :].lstrip()  # Xinfeng questions have no title (see the README)
    marker = _MARKER.match(text)
    fmt = marker.group(1).lower() if marker else "moodle"
    open_at = _find(text, "{")
    if open_at < 0:
        parsed.skip(line, SKIP_DESCRIPTION)
        return None
    close_at = _find(text, "}", open_at + 1)
    if close_at < 0:
        raise BadGift()
    if _find(text, "{", close_at + 1) >= 0:
        raise TwoAnswerBlocks()
    after = text[close_at + 1 :]
    # Text after the answers makes a missing-word question: the blank stays visible.
    stem_raw = text[:open_at] + (BLANK + after if after.strip() else "")
    answers = text[open_at + 1 : close_at]
    general = _find(answers, "####")
    explanation = ""
    if general >= 0:
        explanation = _text(answers[general + 4 :], fmt)[0]
        answers = answers[:general]
    kind = _kind(answers)
    if kind in (SKIP_ESSAY, SKIP_NUMERIC, SKIP_MATCHING):
        parsed.skip(line, kind)
        return None
    if not category:
        raise NoCategory()
    if len(category) > intake.CATEGORY_MAX:
        raise LongCategory()
    if has_media(text):
        parsed.skip(line, MEDIA_DROPPED)
    draft = QuestionDraft(
        type=kind,
        text=_text(stem_raw, "moodle")[0],
        category=category,
        explanation=explanation,
    )
    if kind is QuestionType.TRUE_FALSE:
        _true_false(draft, answers, fmt)
    elif kind is QuestionType.FILL_IN:
        if not _fill_in(draft, answers, fmt, line, parsed):
            parsed.skip(line, SKIP_NO_FULL_ANSWER)
            return None
    else:
        _choices(draft, answers, fmt)
    bank.validate(draft)
    return draft


def _kind(answers: str):
    """The question type Moodle would read from the text between { and }."""
    body = answers.strip()
    if not body:
        return SKIP_ESSAY
    if body.startswith("#"):
        return SKIP_NUMERIC
    if _find(body, "=") >= 0 and _find(body, "->") >= 0:
        return SKIP_MATCHING
    head = body[: _find(body, "#")] if _find(body, "#") >= 0 else body
    if head.strip().lower() in {"t", "true", "f", "false"}:
        return QuestionType.TRUE_FALSE
    if _find(body, "~") >= 0:
        return QuestionType.SINGLE if _find(body, "=") >= 0 else QuestionType.MULTIPLE
    return QuestionType.FILL_IN


def _answer(body: str, fmt: str) -> tuple[float | None, str, str]:
    """(weight, text, feedback) of one answer."""
    weight = None
    match = _WEIGHT.match(body)
    if match:
        weight = float(match.group(1))
        body = body[match.end() :]
    hash_at = _find(body, "#")
    feedback = _text(body[hash_at + 1 :], fmt)[0] if hash_at >= 0 else ""
    text = _text(body[:hash_at] if hash_at >= 0 else body, fmt)[0]
    return weight, text, feedback


def _true_false(draft: QuestionDraft, answers: str, fmt: str) -> None:
    """``{TRUE#wrong#right}``: Moodle shows the first feedback to a wrong answer, the second to
    a right one; here each is the feedback of the option that earns it."""
    head, _, comments = answers.strip().partition("#")
    is_true = head.strip().lower().startswith("t")
    wrong_raw, _, right_raw = comments.partition("#") if _find(comments, "#") >= 0 else (
        comments, "", "")  # fmt: skip
    draft.options = bank.true_false_options(is_true)
    right, wrong = (draft.options[0], draft.options[1]) if is_true else draft.options[::-1]
    right.feedback = _text(right_raw, fmt)[0]
    wrong.feedback = _text(wrong_raw, fmt)[0]


def _fill_in(draft, answers: str, fmt: str, line: int, parsed: intake.Parsed) -> bool:
    for marker, body in _split(answers, "=~"):
        if marker != "=":
            raise AnswerWithoutMarker()
        weight, text, feedback = _answer(body, fmt)
        weight = 100.0 if weight is None else weight
        if weight <= 0:
            parsed.skip(line, _dropped_zero(text))
            continue
        if "*" in text:
            parsed.skip(line, _dropped_wildcard(text))
            continue
        if weight < 100:
            parsed.skip(line, _dropped_partial(text, f"{weight:g}"))
            continue
        if feedback:
            parsed.skip(line, _dropped_feedback(text))
        draft.accepted.append(text)
    return bool(draft.accepted)


def _choices(draft: QuestionDraft, answers: str, fmt: str) -> None:
    weights = []
    for marker, body in _split(answers, "=~"):
        if not marker:
            raise AnswerWithoutMarker()
        weight, text, feedback = _answer(body, fmt)
        if weight is None:
            weight = 100.0 if marker == "=" else 0.0
        weights.append(weight)
        draft.options.append(OptionDraft(text, feedback=feedback))
    if draft.options:
        bank.set_weights(draft, weights)


# ---------------------------------------------------------------- writing


def _number(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _needs_html(text: str) -> bool:
    """Text other GIFT readers would misread as plain: ``->`` (a matching pair to Moodle and
    gift-pegjs, and no escape exists for it), markup or entities, or a leading ``[format]``."""
    return "->" in text or looks_like_html(text) or text.lstrip().startswith("[")


def _writer(as_html: bool):
    def write(text: str) -> str:
        if not as_html:
            return escape(text)
        markup = text_to_html(text)
        if markup.startswith("["):
            markup = "&#91;" + markup[1:]
        return escape(markup)

    return write


def _texts(question) -> list[str]:
    return [
        question.text,
        question.explanation,
        *question.answers,
        *(t for o in question.options for t in (o.text, o.feedback)),
    ]


def write_question(question) -> str:
    """One bank question as a GIFT paragraph; ``[html]`` when a text needs it (see _needs_html)."""
    as_html = any(_needs_html(t) for t in _texts(question))
    write = _writer(as_html)
    options = question.options
    if question.type is QuestionType.TRUE_FALSE:
        is_true = bool(options) and options[0].is_correct
        right, wrong = (options[0], options[1]) if is_true else (options[1], options[0])
        body = "TRUE" if is_true else "FALSE"
        if right.feedback or wrong.feedback:
            body += f"#{write(wrong.feedback)}#{write(right.feedback)}"
    elif question.type is QuestionType.FILL_IN:
        body = " ".join("=" + write(a) for a in question.answers)
    else:
        parts = []
        weights = bank.weights_of(question.type, options)
        for option, weight in zip(options, weights, strict=True):
            if question.type is QuestionType.SINGLE and weight == 100:
                head = "="
            elif question.type is QuestionType.SINGLE and weight == 0:
                head = "~"
            else:
                head = f"~%{_number(weight)}%"
            feedback = f"#{write(option.feedback)}" if option.feedback else ""
            parts.append(head + write(option.text) + feedback)
        body = " ".join(parts)
    if question.explanation:
        body += " ####" + write(question.explanation)
    title = f"::{question.id}::" if question.id else ""
    marker = "[html]" if as_html else ""
    return f"{title}{marker}{write(question.text)} {{{body}}}"


def write(questions) -> str:
    """The questions in Moodle's GIFT format, grouped by ``$CATEGORY``."""
    lines: list[str] = []
    category = None
    for question in questions:
        if question.category.name != category:
            category = question.category.name
            lines += [f"$CATEGORY: {category.replace('/', '//')}", ""]
        lines += [write_question(question), ""]
    return "\n".join(lines)
