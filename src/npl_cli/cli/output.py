"""Handing a result frame to the screen or to a file, one way for every command."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from npl_cli.cli.common import Format, SplitBy
from npl_cli.errors import UsageError
from npl_cli.export import Sheet, check_target, write_book, write_frame
from npl_cli.progress import QUIET, Progress
from npl_cli.render.labels import column_label
from npl_cli.render.workbook import for_people

if TYPE_CHECKING:
    from npl_cli.render.console import Messages

SHEETS_ZH = {"worklist": "清收清单", "deadlines": "法定期限", "rolls": "账龄迁徙",
             "actions": "催收记录", "rejects": "剔除行"}  # fmt: skip


BookOf = Callable[[pd.DataFrame], Mapping[str, Sheet]]  # rows -> the sheets of their workbook


def write_rows(
    frame: pd.DataFrame,
    fmt: Format,
    output: Path | None,
    *,
    sheet: str,
    amount_columns: tuple[str, ...] = ("balance",),
    csv_encoding: str = "utf-8-sig",
    lang: str = "en",
    action_kinds: bool = False,
    book: BookOf | None = None,
    progress: Progress = QUIET,
) -> None:
    """The rows to a file or stdout; a workbook in the words of `lang` (machine formats keep
    the codes and column names), as the sheets `book` makes of them when given."""
    if fmt is Format.xlsx and book is not None and output is not None:
        write_book(book(frame), output, progress)
        return
    if fmt is Format.xlsx:
        amounts = {column_label(c, lang) for c in amount_columns}
        frame = for_people(frame, lang, action_kinds=action_kinds)
        amount_columns = tuple(amounts)
        sheet = SHEETS_ZH.get(sheet, sheet) if lang == "zh" else sheet
    write_frame(
        frame, fmt.value, output, sheet=sheet, amount_columns=amount_columns,
        csv_encoding=csv_encoding, progress=progress,
    )  # fmt: skip


def write_listing(
    rows: pd.DataFrame,
    fmt: Format,
    output: Path | None,
    *,
    split_by: SplitBy | None,
    sheet: str,
    book: BookOf,
    csv_encoding: str,
    messages: Messages,
) -> None:
    """A command's list to a file or stdout, or (`split_by`) one file per officer, branch or
    region plus the whole list, each file said on stderr; bars while workbooks are written."""
    from npl_cli.render.console import progress_bars

    with progress_bars(messages.lang) as bars:
        if split_by is None or output is None:
            write_rows(rows, fmt, output, sheet=sheet, lang=messages.lang,
                       csv_encoding=csv_encoding, book=book, progress=bars)  # fmt: skip
            return
        written = write_split(rows, split_by, output, fmt, sheet=sheet, lang=messages.lang,
                              csv_encoding=csv_encoding, book=book, progress=bars)  # fmt: skip
    for path in written:
        messages.say(f"wrote {path}", f"已写入 {path}")


def check_outputs(
    output: Path | None,
    *,
    inputs: Iterable[Path] = (),
    workspace: Path | None = None,
    rejects: Path | None = None,
) -> None:
    """Before any work: -o and --rejects must be writable files, neither of them an input,
    the workspace, or each other."""
    protected = dict.fromkeys(inputs, "an input file")
    if workspace is not None:
        protected[workspace] = "the workspace"
    check_target(output, {**protected, **({rejects: "the --rejects file"} if rejects else {})})
    check_target(rejects, {**protected, **({output: "the -o file"} if output else {})})


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}  # fmt: skip
WHOLE = {"zh": "全部", "en": "all"}
NOBODY = {"zh": "未分配", "en": "unassigned"}


def safe_name(value: object, lang: str) -> str:
    """A file name any file system takes: no separators or reserved characters, no trailing
    dot or space, not a Windows device name, at most 80 characters."""
    text = "" if not isinstance(value, str) else value
    name = _UNSAFE.sub("_", text).strip().rstrip(". ")[:80] or NOBODY[lang]
    return f"_{name}" if name.split(".")[0].upper() in _RESERVED else name


def split_format(fmt: Format, folder: Path | None) -> Format:
    """The format of split files (xlsx unless -f says otherwise); -o must be a folder."""
    if folder is None:
        raise UsageError("--split-by needs -o FOLDER for the files")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: --split-by writes into a folder; give one")
    return Format.xlsx if fmt is Format.table else fmt


def write_split(
    rows: pd.DataFrame,
    by: SplitBy,
    folder: Path,
    fmt: Format,
    *,
    sheet: str,
    lang: str,
    csv_encoding: str,
    book: BookOf | None = None,
    progress: Progress = QUIET,
) -> list[Path]:
    """One file per value of `by` (in ranked order within each), and the whole list."""
    if by.value not in rows or rows[by.value].isna().all():
        raise UsageError(f"--split-by {by.value}: the ledger has no {by.value} column")
    folder.mkdir(parents=True, exist_ok=True)
    codes, values = pd.factorize(rows[by.value])  # each distinct value named once
    names = np.array([safe_name(v, lang) for v in values] + [NOBODY[lang]], dtype=object)
    names = names[codes]  # a missing value's code -1 takes the appended NOBODY
    written = []
    for name in [WHOLE[lang], *sorted(set(names))]:
        part = rows if name == WHOLE[lang] else rows[names == name]
        path = folder / f"{name}.{fmt.value}"
        check_target(path)
        write_rows(part, fmt, path, sheet=sheet, lang=lang, csv_encoding=csv_encoding, book=book,
                   progress=progress)  # fmt: skip
        written.append(path)
    return written
