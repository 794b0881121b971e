"""Reading a filled survey form (调研表) back: the sheet and its header row found by the
form's own headers, every cell as text (dates as YYYY-MM-DD), then checked
(survey.check_answers)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from npl_cli.errors import InputError
from npl_cli.survey import ANSWERS, KEY_HEADER, CheckedAnswers, check_answers

FORM_SHEET = "调研表"
NEEDED = (KEY_HEADER, *(a.header for a in ANSWERS))
HEADER_SEARCH = 20  # rows from the top where the header row may be


def read_form(path: Path, lang: str = "en") -> CheckedAnswers:
    """A form's answers, rejects and row counts; a file that is not a form is an error
    naming the file and what is missing."""
    from openpyxl import load_workbook

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{path}: a survey form is an .xlsx file from npl survey forms")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; check the path") from None
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise InputError(f"{path}: not a readable xlsx file ({error}); save it again") from None
    try:
        sheet = book[FORM_SHEET] if FORM_SHEET in book.sheetnames else book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    header_at = next(
        (i for i, row in enumerate(rows[:HEADER_SEARCH]) if KEY_HEADER in _texts(row)), None
    )
    if header_at is None:
        found = [h for h in NEEDED[1:] if any(h in _texts(row) for row in rows[:HEADER_SEARCH])]
        what = "its 调研编号 (key) column" if found else "the form's headers"
        raise InputError(
            f"{path}: sheet '{sheet.title}' lacks {what}; import a form written by "
            "npl survey forms, with its rows and columns as they were"
        )
    header = _texts(rows[header_at])
    missing = [h for h in NEEDED if h not in header]
    if missing:
        raise InputError(
            f"{path}: sheet '{sheet.title}' row {header_at + 1} lacks the column(s) "
            f"{'、'.join(missing)}; use the form as npl survey forms wrote it"
        )
    body = [row + [None] * (len(header) - len(row)) for row in rows[header_at + 1 :]]
    while body and all(_text(v) is None for v in body[-1]):  # trailing empty rows
        body.pop()
    frame = pd.DataFrame(
        {h: [_text(row[header.index(h)]) for row in body] for h in NEEDED}, dtype=object
    )
    return check_answers(frame, path.name, first_row=header_at + 2, lang=lang)


def _texts(row: list[Any]) -> list[str | None]:
    return [_text(v) for v in row]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None
