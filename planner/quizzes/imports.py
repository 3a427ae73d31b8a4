"""Importing and exporting the question bank: CSV and XLSX (our template) and Moodle GIFT.

The CSV/XLSX template has one question a row and these columns (the first row is the header):
category, type (single | multiple | true_false | fill_in), difficulty (easy | medium | hard),
text, text_en, options and options_en (separated by ``|``), answer (the letters of the correct
options such as ``B`` or ``A,C``; ``true``/``false`` for true/false; the accepted answers separated
by ``|`` for fill-in), explanation, explanation_en.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy.orm import joinedload, selectinload

from planner import exports
from planner.exceptions import DomainError
from planner.extensions import db
from planner.inputs import has_control_characters
from planner.quizzes import bank
from planner.quizzes.bank import OptionDraft, QuestionDraft
from planner.quizzes.models import Difficulty, Question, QuestionType

COLUMNS = [
    "category",
    "type",
    "difficulty",
    "text",
    "text_en",
    "options",
    "options_en",
    "answer",
    "explanation",
    "explanation_en",
]
LETTERS = "ABCDEFGH"
MAX_ROWS = 2000  # questions in one file, whatever its format
MAX_BLANK_ROWS = 1000  # blank rows tolerated between them
MAX_COLUMNS = 30
MAX_BYTES = 5 * 1024 * 1024
TOO_LARGE = _l("The file is larger than 5 MB.")
TOO_MANY = _l("A file may hold at most 2000 questions.")
CONTROL = _l("The file contains control characters (such as NUL bytes). Save it again as text.")


@dataclass
class RowError:
    line: int
    message: object


class ImportFailed(DomainError):
    message = _l("Nothing was imported: fix the rows listed below and try again.")

    def __init__(self, errors: list[RowError]):
        super().__init__()
        self.errors = errors


class UnreadableFile(DomainError):
    message = _l("This file could not be read. Use the CSV or XLSX template, or a GIFT text file.")
    field = "file"


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _readable(text: str) -> str:
    """``text``, unless it holds control characters (no database stores NUL): then the file is
    refused, as a request holding them is."""
    if has_control_characters(text):
        raise UnreadableFile(CONTROL)
    return text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _readable(str(value).strip())


def draft_from_row(row: dict[str, str]) -> QuestionDraft:
    """Turn one template row into a draft, raising a DomainError for anything wrong."""
    try:
        qtype = QuestionType(row.get("type", "").strip().lower())
    except ValueError as exc:
        raise bank.InvalidQuestion(
            _l("Unknown type: use single, multiple, true_false or fill_in.")
        ) from exc
    difficulty_text = row.get("difficulty", "").strip().lower() or "medium"
    try:
        difficulty = Difficulty(difficulty_text)
    except ValueError as exc:
        raise bank.InvalidQuestion(_l("Unknown difficulty: use easy, medium or hard.")) from exc
    category = row.get("category", "").strip()
    if not category or len(category) > 40:
        raise bank.InvalidQuestion(_l("Every question needs a category (at most 40 characters)."))
    answer = row.get("answer", "").strip()
    draft = QuestionDraft(
        type=qtype,
        text=row.get("text", ""),
        category=category,
        text_en=row.get("text_en", ""),
        explanation=row.get("explanation", ""),
        explanation_en=row.get("explanation_en", ""),
        difficulty=difficulty,
    )
    if qtype is QuestionType.FILL_IN:
        draft.accepted = _split(answer)
    elif qtype is QuestionType.TRUE_FALSE:
        value = answer.lower()
        if value not in {"true", "false", "t", "f", "对", "错", "正确", "错误"}:
            raise bank.InvalidQuestion(_l("The answer of a true/false question is true or false."))
        draft.options = bank.true_false_options(value in {"true", "t", "对", "正确"})
    else:
        texts, texts_en = _split(row.get("options", "")), _split(row.get("options_en", ""))
        letters = {c for c in answer.upper() if c.isalpha()}
        if not letters <= set(LETTERS[: len(texts)]):
            raise bank.InvalidQuestion(_l("The answer names an option that does not exist."))
        draft.options = [
            OptionDraft(text, LETTERS[i] in letters, texts_en[i] if i < len(texts_en) else "")
            for i, text in enumerate(texts)
        ]
    bank.validate(draft)
    return draft


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [_cell(v) for v in row]
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile() from exc


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UnreadableFile() from exc
    _readable(text)
    try:
        for row in csv.reader(io.StringIO(text)):
            yield [exports.read_cell(c.strip()) for c in row[:MAX_COLUMNS]]
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte, …
        raise UnreadableFile() from exc


def _capped(rows: Iterable) -> Iterator:
    """The rows, refusing the file as soon as it holds more than a bank may take at once; rows
    are counted while they are read, so a file of millions of rows costs no more than 2,000."""
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS + MAX_BLANK_ROWS:
            raise UnreadableFile(TOO_MANY)
        yield row


def read_rows(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The (line number, row) pairs of a CSV or XLSX file in the template's columns."""
    source = _xlsx_rows(data) if filename.lower().endswith(".xlsx") else _csv_rows(data)
    raw = _capped(source)
    first = next(raw, None)
    if first is None:
        raise UnreadableFile()
    header = [h.strip().lower() for h in first]
    if "text" not in header or "type" not in header:
        raise UnreadableFile()
    rows = []
    for number, values in enumerate(raw, start=2):
        if not any(values):
            continue
        if len(rows) == MAX_ROWS:
            raise UnreadableFile(TOO_MANY)
        rows.append(
            (number, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)})
        )
    return rows


def parse_file(filename: str, data: bytes) -> list[QuestionDraft]:
    """Every question of the file; with any bad row, ImportFailed lists every bad row."""
    if filename.lower().endswith((".gift", ".txt")):
        pairs = parse_gift(_decode(data))
    else:
        pairs = []
        for line, row in read_rows(filename, data):
            try:
                pairs.append((line, draft_from_row(row)))
            except DomainError as exc:
                pairs.append((line, exc))
    errors = [RowError(line, item.message) for line, item in pairs if isinstance(item, DomainError)]
    if errors:
        raise ImportFailed(errors)
    drafts = [item for _line, item in pairs]
    if not drafts:
        raise UnreadableFile(_l("The file holds no questions."))
    return drafts


def import_drafts(actor, drafts: list[QuestionDraft]) -> list[Question]:
    """Save every draft as a bank question (all were validated first); flush only."""
    return [
        bank.save_question(actor, Question(), draft, bank.get_or_create_category(draft.category))
        for draft in drafts
    ]


def _decode(data: bytes) -> str:
    try:
        return _readable(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnreadableFile() from exc


# ---------------------------------------------------------------- export


def row_of(question: Question) -> list[str]:
    options = question.options
    if question.type is QuestionType.FILL_IN:
        answer, texts, texts_en = "|".join(question.answers), "", ""
    elif question.type is QuestionType.TRUE_FALSE:
        answer = "true" if options and options[0].is_correct else "false"
        texts = texts_en = ""
    else:
        answer = ",".join(LETTERS[i] for i, o in enumerate(options) if o.is_correct)
        texts = "|".join(o.text for o in options)
        texts_en = "|".join(o.text_en for o in options) if any(o.text_en for o in options) else ""
    return [
        question.category.name,
        question.type.value,
        question.difficulty.value,
        question.text,
        question.text_en,
        texts,
        texts_en,
        answer,
        question.explanation,
        question.explanation_en,
    ]


def question_sheet(questions: list[Question]) -> exports.Sheet:
    """The bank as a table in the import format, so an export can be imported again."""
    return exports.Sheet("questions", COLUMNS, [row_of(q) for q in questions])


TEMPLATE_ROWS = [
    [
        "婚事新办",
        "single",
        "easy",
        "城阳区倡导哪种婚礼形式？",
        "Which wedding does Chengyang promote?",
        "集体婚礼|豪华婚宴|高价彩礼",
        "Collective wedding|Lavish banquet|High bride price",
        "A",
        "集体婚礼喜事新办、婚事简办。",
        "Collective weddings keep weddings simple.",
    ],
    [
        "社区文明公约",
        "true_false",
        "easy",
        "开车进入社区应按喇叭提醒行人。",
        "",
        "",
        "",
        "false",
        "公约要求开车进入社区不按喇叭。",
        "",
    ],
    [
        "反对高价彩礼",
        "fill_in",
        "medium",
        "抵制高价____。",
        "",
        "",
        "",
        "彩礼",
        "倡导婚事简办，抵制高价彩礼。",
        "",
    ],
]


# ---------------------------------------------------------------- Moodle GIFT

_GIFT_SPECIALS = "~=#{}:"


def gift_escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for ch in _GIFT_SPECIALS:
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", "\\n")


def _gift_unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _weight_text(correct: int) -> str:
    return f"{100 / correct:.5f}".rstrip("0").rstrip(".")


def export_gift(questions: list[Question]) -> str:
    """The questions in Moodle's GIFT format, grouped by ``$CATEGORY``."""
    lines: list[str] = []
    category = None
    for question in questions:
        if question.category.name != category:
            category = question.category.name
            lines += [f"$CATEGORY: {category}", ""]
        title = f"::{question.id}::" if question.id else ""
        options = question.options
        if question.type is QuestionType.TRUE_FALSE:
            body = "TRUE" if options and options[0].is_correct else "FALSE"
        elif question.type is QuestionType.FILL_IN:
            body = " ".join("=" + gift_escape(a) for a in question.answers)
        elif question.type is QuestionType.SINGLE:
            body = " ".join(("=" if o.is_correct else "~") + gift_escape(o.text) for o in options)
        else:
            weight = _weight_text(sum(1 for o in options if o.is_correct))
            body = " ".join(
                f"~%{weight if o.is_correct else '-100'}%" + gift_escape(o.text) for o in options
            )
        if question.explanation:
            body += " ####" + gift_escape(question.explanation)
        lines += [f"{title}{gift_escape(question.text)} {{{body}}}", ""]
    return "\n".join(lines)


def _split_unescaped(text: str, markers: str) -> list[tuple[str, str]]:
    """Split GIFT answers at unescaped ``markers``; each part keeps its marker."""
    parts, current, marker, i = [], "", "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if ch in markers:
            if current.strip() or marker:
                parts.append((marker, current))
            marker, current = ch, ""
        else:
            current += ch
        i += 1
    if current.strip() or marker:
        parts.append((marker, current))
    return parts


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(target, i):
            return i
        i += 1
    return -1


def _gift_draft(block: str, category: str) -> QuestionDraft:
    text = block.strip()
    if text.startswith("::"):
        end = _find_unescaped(text, "::", 2)
        if end < 0:
            raise bank.InvalidQuestion(_l("A GIFT title is not closed with ::."))
        text = text[end + 2 :].strip()
    text = re.sub(r"^\[(html|moodle|plain|markdown)\]", "", text)
    open_at = _find_unescaped(text, "{")
    close_at = _find_unescaped(text, "}", open_at + 1) if open_at >= 0 else -1
    if open_at < 0 or close_at < 0:
        raise bank.InvalidQuestion(_l("A GIFT question needs its answers in { }."))
    stem = _gift_unescape(text[:open_at] + " " + text[close_at + 1 :])
    answers = text[open_at + 1 : close_at]
    explanation = ""
    general = _find_unescaped(answers, "####")
    if general >= 0:
        explanation = _gift_unescape(answers[general + 4 :])
        answers = answers[:general]
    draft = QuestionDraft(
        type=QuestionType.SINGLE, text=stem, category=category, explanation=explanation
    )
    compact = answers.strip().upper()
    if compact in {"T", "TRUE", "F", "FALSE"}:
        draft.type = QuestionType.TRUE_FALSE
        draft.options = bank.true_false_options(compact.startswith("T"))
    else:
        parts = _split_unescaped(answers, "=~")
        if not parts or any(marker == "" for marker, _ in parts):
            raise bank.InvalidQuestion(_l("This GIFT question type is not supported."))
        options = []
        weighted = False
        for marker, body in parts:
            body = re.split(r"(?<!\\)#", body, maxsplit=1)[0]  # per-answer feedback is dropped
            weight_match = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", body)
            correct = marker == "="
            if weight_match:
                weighted = True
                correct = float(weight_match.group(1)) > 0
                body = body[weight_match.end() :]
            options.append(OptionDraft(_gift_unescape(body), correct))
        if all(marker == "=" for marker, _ in parts):
            draft.type = QuestionType.FILL_IN
            draft.accepted = [o.text for o in options]
        else:
            draft.type = QuestionType.MULTIPLE if weighted else QuestionType.SINGLE
            draft.options = options
    if not draft.category:
        raise bank.InvalidQuestion(_l("Put a $CATEGORY: line before the questions."))
    bank.validate(draft)
    return draft


def parse_gift(text: str) -> list[tuple[int, QuestionDraft | DomainError]]:
    """(line, draft or error) for every question of a GIFT text; questions are blank-line separated."""
    results: list[tuple[int, QuestionDraft | DomainError]] = []
    category = ""
    block: list[str] = []
    block_line = 0

    def flush():
        if block:
            if len(results) == MAX_ROWS:
                raise UnreadableFile(TOO_MANY)
            try:
                results.append((block_line, _gift_draft("\n".join(block), category)))
            except DomainError as exc:
                results.append((block_line, exc))
            block.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("//"):
            continue
        if line.startswith("$CATEGORY:"):
            flush()
            category = line[len("$CATEGORY:") :].strip().split("/")[-1][:40]
            continue
        if not line:
            flush()
            continue
        if not block:
            block_line = number
        block.append(line)
    flush()
    return results


def bank_questions(category_id: int | None = None) -> list[Question]:
    """Every live bank question (optionally of one category), options loaded, in a stable order."""
    query = (
        db.select(Question)
        .where(Question.archived_at.is_(None))
        .options(joinedload(Question.category), selectinload(Question.options))
        .order_by(Question.category_id, Question.id)
    )
    if category_id:
        query = query.where(Question.category_id == category_id)
    return list(db.session.scalars(query))
