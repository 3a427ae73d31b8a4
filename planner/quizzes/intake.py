"""What every question-bank file goes through, whatever its format: the limits, the errors, the
encodings read, and the result a reader hands back (questions, refusals and skips by line)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from planner.exceptions import DomainError
from planner.inputs import has_control_characters
from planner.quizzes.bank import QuestionDraft

MAX_ROWS = 2000  # questions in one file, whatever its format
MAX_BLANK_ROWS = 1000  # blank rows tolerated between them
MAX_SKIPPED = 5 * MAX_ROWS  # questions and parts of questions a file may leave out
MAX_COLUMNS = 30
MAX_BYTES = 5 * 1024 * 1024
CATEGORY_MAX = 40
TOO_LARGE = _l("The file is larger than 5 MB.")
TOO_MANY = _l("A file may hold at most 2000 questions.")
CONTROL = _l("The file contains control characters (such as NUL bytes). Save it again as text.")

# (codec, the name the organiser is told); GB18030 is a superset of GBK and GB2312.
ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030"))


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
    message = _l(
        "This file could not be read. Use the CSV or XLSX template, a GIFT text file or Moodle XML."
    )
    field = "file"


@dataclass
class Parsed:
    """What a reader found: (line, draft or error) per question, and what it leaves out (whole
    questions, or parts of one) with the line and the reason, for the organiser to confirm."""

    items: list[tuple[int, QuestionDraft | DomainError]] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    encoding: str = ""

    @property
    def drafts(self) -> list[QuestionDraft]:
        return [item for _line, item in self.items if isinstance(item, QuestionDraft)]

    def add(self, line: int, item: QuestionDraft | DomainError) -> None:
        if len(self.items) == MAX_ROWS:
            raise UnreadableFile(TOO_MANY)
        self.items.append((line, item))

    def skip(self, line: int, reason) -> None:
        if len(self.skipped) == MAX_SKIPPED:  # a file of nothing but essays is no bank either
            raise UnreadableFile(TOO_MANY)
        self.skipped.append(RowError(line, reason))


def readable(text: str) -> str:
    """``text``, unless it holds control characters (no database stores NUL): then the file is
    refused, as a request holding them is."""
    if has_control_characters(text):
        raise UnreadableFile(CONTROL)
    return text


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and the name of the encoding it was read in: UTF-8 (with or without a
    byte-order mark), else GB18030, which Chinese Windows editors write."""
    for codec, name in ENCODINGS:
        try:
            return readable(data.decode(codec)), name
        except UnicodeDecodeError:
            continue
    raise UnreadableFile()
