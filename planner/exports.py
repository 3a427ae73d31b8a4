"""Every CSV and XLSX file the app writes goes through this module.

A cell a person typed (a name, a question, a role) is always text: no spreadsheet may evaluate it.
Following OWASP's CSV-injection rules, text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is written behind an apostrophe in CSV, and every XLSX text cell is typed as a
string with Excel's "quote prefix" set. Control characters, which XLSX cannot hold, are removed.
Only numbers, dates and times the app itself computed are written as such.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from flask_babel import lazy_pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment

from planner.inputs import CONTROL_CHARACTERS
from planner.timeutil import to_local

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What no field accepts (planner/inputs.py), plus the C1 controls, which spreadsheets show as boxes.
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}\x80-\x9f]")
_NUMBERS = (int, float, Decimal)

# The column that names a person, in every export: 姓名 / Name.
PERSON_COLUMN = lazy_pgettext("person", "Name")


@dataclass
class Sheet:
    """One table: a title (the XLSX sheet's name), a header row and the rows below it."""

    title: str
    header: Sequence[str] = ()
    rows: Iterable[Sequence] = field(default_factory=list)


def phone(number: str) -> str:
    """A mainland mobile number as spreadsheets get it, grouped 3-4-4 (139 1234 5678): written as
    digits alone, LibreOffice and Excel read it as a number and show 1.39E+10."""
    digits = (number or "").removeprefix("+86")
    if len(digits) == 11 and digits.isascii() and digits.isdigit():
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return digits


def clean_text(value: str) -> str:
    """The text without control characters that a spreadsheet cannot hold."""
    return _CONTROL.sub("", value)


def _text(value) -> str:
    if value is None:
        return ""
    return clean_text(str(value))


def _is_app_value(value) -> bool:
    """Numbers, dates and times computed by the app (never a string a person typed)."""
    return isinstance(value, (*_NUMBERS, date)) and not isinstance(value, bool)


def _local(moment: datetime) -> datetime:
    """A time as the reader's wall clock shows it (spreadsheets know no time zones)."""
    return to_local(moment).replace(tzinfo=None) if moment.tzinfo else moment


def csv_cell(value) -> str:
    """One CSV field: text that would start a formula gets an apostrophe in front."""
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if _is_app_value(value):
        return str(value)
    text = _text(value)
    return "'" + text if text.startswith(_TRIGGERS) else text


def read_cell(text: str) -> str:
    """Undo :func:`csv_cell`'s apostrophe when the app reads back a file it wrote."""
    if text.startswith("'") and text[1:].startswith(_TRIGGERS):
        return text[1:]
    return text


def csv_bytes(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark (Excel needs it to read Chinese); every field quoted."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    if sheet.header:
        writer.writerow([csv_cell(v) for v in sheet.header])
    for row in sheet.rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def _sheet_title(title: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    return re.sub(r"[\[\]:*?/\\]", " ", clean_text(title)).strip()[:31] or "Sheet"


def _write_row(worksheet, row: int, values: Sequence) -> None:
    for column, value in enumerate(values, start=1):
        cell = worksheet.cell(row=row, column=column)
        if value is None:
            continue
        if _is_app_value(value):
            cell.value = _local(value) if isinstance(value, datetime) else value
            if isinstance(value, date) and not isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            continue
        # XML turns a bare carriage return into a line feed anyway; say so rather than let it.
        cell.value = _text(value).replace("\r\n", "\n").replace("\r", "\n")
        cell.data_type = "s"  # never "f": a string is never a formula
        cell.quotePrefix = True
        if "\n" in cell.value:
            cell.alignment = Alignment(wrap_text=True)


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """A workbook with one worksheet per sheet."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        worksheet = book.create_sheet(_sheet_title(sheet.title))
        # Rows are counted here: the worksheet's max_row looks at every cell written so far, and
        # asking it for each row made a 5,000-row ledger take 20 seconds.
        rows = [sheet.header, *sheet.rows] if sheet.header else sheet.rows
        for number, values in enumerate(rows, start=1):
            _write_row(worksheet, number, values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(stem: str, fmt: str, *sheets: Sheet) -> Response:
    """The sheets as an attachment named ``stem.fmt``; CSV holds the first sheet only."""
    if fmt == "csv":
        body = csv_bytes(sheets[0])
        response = Response(body, mimetype=CSV_MIMETYPE)  # Flask adds "; charset=utf-8" once
    elif fmt == "xlsx":
        response = Response(xlsx_bytes(*sheets), mimetype=XLSX_MIMETYPE)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    safe_stem = re.sub(r"[^A-Za-z0-9._-]", "-", stem)
    response.headers["Content-Disposition"] = f"attachment; filename={safe_stem}.{fmt}"
    return response
