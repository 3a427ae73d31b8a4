"""How long hostile question-bank files hold a worker: CPU seconds to import or refuse each.

    .venv/bin/python bench/imports.py [--rows 3000000] [--questions 120000]

Builds the files the bank's import was attacked with (an XLSX of millions of rows that zips to
under a megabyte, a GIFT file of 120,000 questions, a GIFT file of 5 MB of HTML tags, a Moodle XML
file of 25,000 questions, a CSV with a 200 KB field, a CSV of 200,000 rows) and times ``imports.parse_file`` on each with the process's CPU clock. The tests import the
same builders at small sizes; speed is reported here, never asserted.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

HEADER = (
    "category,type,difficulty,text,text_en,options,options_en,answer,explanation,explanation_en"
)


def xlsx_with_rows(rows: int) -> bytes:
    """An XLSX whose sheet holds the template's header and ``rows`` one-cell rows."""
    book = Workbook()
    book.active.append(HEADER.split(","))
    plain = io.BytesIO()
    book.save(plain)
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, rows + 2))
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                head, _, rest = text.partition("<sheetData>")
                first, _, tail = rest.partition("</sheetData>")
                head = head.replace('ref="A1:J1"', f'ref="A1:J{rows + 1}"')
                data = (head + "<sheetData>" + first + body + "</sheetData>" + tail).encode()
            zf.writestr(item, data)
    return out.getvalue()


def gift_with_questions(questions: int) -> bytes:
    """A GIFT text of ``questions`` true/false questions."""
    body = "\n\n".join(f"Q{n} 移风易俗 {{T}}" for n in range(questions))
    return ("$CATEGORY: 移风易俗\n\n" + body).encode()


def gift_of_tags(size: int) -> bytes:
    """One ``[html]`` question of ``size`` bytes of tags (the HTML reader's worst case)."""
    return ("$CATEGORY: 移风易俗\n\n[html]" + "<b>x</b>" * (size // 8) + " {=a ~b}\n").encode()


def xml_with_questions(questions: int) -> bytes:
    """A Moodle XML file of ``questions`` true/false questions."""
    question = (
        '<question type="truefalse"><questiontext format="html"><text>T</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>\n'
    )
    category = "<question type='category'><category><text>c</text></category></question>"
    return ("<quiz>" + category + question * questions + "</quiz>").encode()


def csv_with_rows(rows: int) -> bytes:
    line = "移风易俗,true_false,easy,文明新风,,,,true,,\n"
    return (HEADER + "\n" + line * rows).encode()


def csv_with_field(size: int) -> bytes:
    return (HEADER + "\n" + "移风易俗,true_false,easy," + "长" * size + ",,,,true,,\n").encode()


def _time(name: str, filename: str, data: bytes) -> None:
    from planner.quizzes import imports

    started = time.process_time()
    try:
        outcome = f"{len(imports.parse_file(filename, data))} questions"
    except imports.DomainError as exc:
        outcome = f"refused: {exc.message}"
    seconds = time.process_time() - started
    print(f"| {name} | {len(data) / 1024:,.0f} KB | {seconds:.2f} s | {outcome} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--questions", type=int, default=120_000)
    args = parser.parse_args()
    from planner import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        print("| file | size | CPU | outcome |\n|---|---:|---:|---|")
        _time(f"XLSX, {args.rows:,} rows", "bank.xlsx", xlsx_with_rows(args.rows))
        _time("XLSX, 2,000 rows", "bank.xlsx", xlsx_with_rows(2000))
        _time(
            f"GIFT, {args.questions:,} questions", "bank.gift", gift_with_questions(args.questions)
        )
        _time("GIFT, 2,000 questions", "bank.gift", gift_with_questions(2000))
        _time("GIFT, 5 MB of HTML tags", "bank.gift", gift_of_tags(5_000_000))
        _time("Moodle XML, 25,000 questions", "bank.xml", xml_with_questions(25_000))
        _time("Moodle XML, 2,000 questions", "bank.xml", xml_with_questions(2000))
        _time("CSV, 200,000 rows", "bank.csv", csv_with_rows(200_000))
        _time("CSV, one 200 KB field", "bank.csv", csv_with_field(200_000))


if __name__ == "__main__":
    main()
