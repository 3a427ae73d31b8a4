"""Importing and exporting the question bank: CSV and XLSX (our template), Moodle GIFT
(planner/quizzes/gift.py) and Moodle XML (planner/quizzes/moodle_xml.py).

The CSV/XLSX template has one question a row and these columns (the first row is the header, in
English or in Chinese, see HEADINGS): category, type (single | multiple | true_false | fill_in),
difficulty (easy | medium | hard), text, text_en, options and options_en (separated by ``|``),
answer (the letters of the correct options such as ``B`` or ``A,C``; true or false, typed in any
of the ways TRUE_WORDS and FALSE_WORDS list, for true/false; the accepted answers separated by
``|`` for fill-in), explanation, explanation_en. The XLSX template keeps its instructions and
sample rows on a second sheet, which is never read.
"""

from __future__ import annotations

import base64
import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy.orm import joinedload, selectinload

from planner import exports
from planner.exceptions import DomainError
from planner.extensions import db
from planner.quizzes import bank, gift, moodle_xml
from planner.quizzes.bank import OptionDraft, QuestionDraft
from planner.quizzes.intake import (  # noqa: F401  (the names callers know this module by)
    CONTROL,
    MAX_BLANK_ROWS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    TOO_LARGE,
    TOO_MANY,
    ImportFailed,
    Parsed,
    RowError,
    UnreadableFile,
    decode,
    readable,
)
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
# The Chinese headings a person may type instead of the English ones.
HEADINGS = {
    "分类": "category",
    "类别": "category",
    "题型": "type",
    "类型": "type",
    "难度": "difficulty",
    "题目": "text",
    "题干": "text",
    "题目(英文)": "text_en",
    "英文题目": "text_en",
    "选项": "options",
    "选项(英文)": "options_en",
    "英文选项": "options_en",
    "答案": "answer",
    "正确答案": "answer",
    "解析": "explanation",
    "答案解析": "explanation",
    "解析(英文)": "explanation_en",
    "英文解析": "explanation_en",
}
TYPES = {
    "单选": "single",
    "单选题": "single",
    "多选": "multiple",
    "多选题": "multiple",
    "判断": "true_false",
    "判断题": "true_false",
    "填空": "fill_in",
    "填空题": "fill_in",
}
DIFFICULTIES = {"易": "easy", "简单": "easy", "中": "medium", "中等": "medium", "难": "hard"}
TRUE_WORDS = {"true", "t", "1", "yes", "y", "对", "正确", "是", "√", "✓", "✔"}
FALSE_WORDS = {"false", "f", "0", "no", "n", "错", "错误", "否", "×", "✗", "✘", "x"}
QUESTION_SHEETS = ("questions", "题目")
LETTERS = "ABCDEFGH"
XML_SUFFIXES = (".xml",)
GIFT_SUFFIXES = (".gift", ".txt")


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _cell(value) -> str:
    """A spreadsheet cell as the text a person typed: booleans as true/false, a whole number
    without the ``.0`` a spreadsheet gives it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return readable(str(value).strip())


def _word(value: str) -> str:
    """A cell's word as compared: full-width folded (NFKC), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).lower()


def _heading(value: str) -> str:
    word = _word(value)
    return HEADINGS.get(word, word)


def draft_from_row(row: dict[str, str], default_category: str = "") -> QuestionDraft:
    """Turn one template row into a draft, raising a DomainError for anything wrong."""
    try:
        type_word = _word(row.get("type", ""))
        qtype = QuestionType(TYPES.get(type_word, type_word))
    except ValueError as exc:
        raise bank.InvalidQuestion(
            _l("Unknown type: use single, multiple, true_false or fill_in.")
        ) from exc
    difficulty_text = _word(row.get("difficulty", "")) or "medium"
    difficulty_text = DIFFICULTIES.get(difficulty_text, difficulty_text)
    try:
        difficulty = Difficulty(difficulty_text)
    except ValueError as exc:
        raise bank.InvalidQuestion(_l("Unknown difficulty: use easy, medium or hard.")) from exc
    category = row.get("category", "").strip() or default_category
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
        value = _word(answer)
        if value not in TRUE_WORDS | FALSE_WORDS:
            raise bank.InvalidQuestion(
                _l(
                    "The answer of a true/false question is true or false (or 对/错, 是/否, √/×, 1/0)."
                )
            )
        draft.options = bank.true_false_options(value in TRUE_WORDS)
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


def _question_sheet(book):
    """The sheet holding the questions: the one named so, else the first (never the template's
    instructions and samples)."""
    for name in book.sheetnames:
        if _word(name) in QUESTION_SHEETS:
            return book[name]
    return book.worksheets[0]


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        sheet = _question_sheet(load_workbook(io.BytesIO(data), read_only=True, data_only=True))
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [_cell(v) for v in row]
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile() from exc


def _csv_rows(text: str) -> Iterator[list[str]]:
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


def read_rows(filename: str, data: bytes, parsed: Parsed | None = None):
    """The (line number, row) pairs of a CSV or XLSX file in the template's columns."""
    if filename.lower().endswith(".xlsx"):
        source = _xlsx_rows(data)
    else:
        text, encoding = decode(data)
        if parsed is not None:
            parsed.encoding = encoding
        source = _csv_rows(text)
    raw = _capped(source)
    first = next(raw, None)
    if first is None:
        raise UnreadableFile()
    header = [_heading(h) for h in first]
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


def read_file(filename: str, data: bytes, default_category: str = "") -> Parsed:
    """Every question of the file, and what it leaves out; with any bad question, ImportFailed
    lists every bad one. ``default_category`` takes the questions the file gives none."""
    name = filename.lower()
    parsed = Parsed()
    if name.endswith(XML_SUFFIXES):
        moodle_xml.read(data, default_category, parsed)
    elif name.endswith(GIFT_SUFFIXES):
        text, parsed.encoding = decode(data)
        gift.read(text, default_category, parsed)
    else:
        for line, row in read_rows(filename, data, parsed):
            try:
                parsed.add(line, draft_from_row(row, default_category))
            except DomainError as exc:
                parsed.add(line, exc)
    errors = [RowError(line, i.message) for line, i in parsed.items if isinstance(i, DomainError)]
    if errors:
        raise ImportFailed(errors)
    if not parsed.items:
        if parsed.skipped:  # every question was left out: say which and why
            raise ImportFailed(parsed.skipped)
        raise UnreadableFile(_l("The file holds no questions."))
    return parsed


class NoFile(DomainError):
    message = _l("Choose a file.")
    field = "file"


def carry_file(data: bytes) -> str:
    """The file as text for a hidden field, while the organiser confirms what it leaves out."""
    return base64.b64encode(data).decode("ascii")


def carried_file(value: str) -> bytes:
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise UnreadableFile() from exc


def parse_file(filename: str, data: bytes, default_category: str = "") -> list[QuestionDraft]:
    """The questions of the file (see read_file), without what it leaves out."""
    return [draft for _line, draft in read_file(filename, data, default_category).items]


def import_drafts(actor, drafts: list[QuestionDraft]) -> list[Question]:
    """Save every draft as a bank question (all were validated first); flush only."""
    return [
        bank.save_question(
            actor,
            Question(),
            draft,
            bank.get_or_create_category(draft.category, draft.category_en),
        )
        for draft in drafts
    ]


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


INSTRUCTIONS_SHEET = "instructions 说明"


def template_sheets(fmt: str) -> list[exports.Sheet]:
    """The template: an empty questions sheet to fill, and (XLSX only; CSV holds one sheet) a
    second sheet of instructions and sample rows, which an import never reads."""
    questions = exports.Sheet("questions", COLUMNS, [])
    if fmt != "xlsx":
        return [questions]
    lines = [
        _l("Type your questions on the sheet “questions”, one a row below its header."),
        _l("This sheet is never imported: its sample rows only show how to fill the template."),
        _l(
            "Headings may be in Chinese: 分类, 题型, 难度, 题目, 题目(英文), 选项, 选项(英文), 答案, 解析, 解析(英文)."
        ),
        _l("type: single, multiple, true_false, fill_in (or 单选, 多选, 判断, 填空)."),
        _l(
            "answer: the letters of the right options (B, or A,C); for true/false TRUE or FALSE, 对/错, 是/否, √/× or 1/0; for fill-in the accepted answers separated by |."
        ),
    ]
    rows = [[str(line)] for line in lines] + [[], COLUMNS, *TEMPLATE_ROWS]
    return [questions, exports.Sheet(INSTRUCTIONS_SHEET, [], rows)]


# ---------------------------------------------------------------- Moodle formats


def export_gift(questions: list[Question]) -> str:
    return gift.write(questions)


def export_moodle_xml(questions: list[Question]) -> bytes:
    return moodle_xml.write(questions)


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
