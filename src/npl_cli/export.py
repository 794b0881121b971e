"""Writers for csv / json / jsonl / xlsx: atomic, injection-safe, stable column names."""

from __future__ import annotations

import codecs
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from npl_cli.errors import OutputError, UsageError
from npl_cli.messages import said
from npl_cli.progress import QUIET, Advance, Progress, ignore

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MACHINE_FORMATS = ("csv", "json", "jsonl", "xlsx")


def check_target(output: Path | None, protected: Mapping[Path, str] | None = None) -> None:
    """Refuse, before any work is done, a write target that cannot or must not be written: a
    folder, a device or pipe, a path under a file, a folder we may not write in, or one of the
    files named in `protected` (path -> what it is: "an input file", "the workspace" …). A
    symlink is followed: its target is what gets replaced."""
    if output is None:
        return
    real = Path(os.path.realpath(output))
    if real.is_dir():
        raise UsageError(f"{output}: is a folder; give a file name to write to")
    if real.exists() and not real.is_file():
        raise UsageError(f"{output}: is not a regular file (a device or pipe); choose a file")
    for path, what in (protected or {}).items():
        if Path(os.path.realpath(path)) == real:
            raise UsageError(f"{output}: refusing to overwrite {what}; choose another -o path")
    folder = real.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"{output}: {folder} is a file, not a folder; fix the path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{output}: cannot write in {folder} (read-only?); choose another folder")


@contextmanager
def atomic_path(path: Path) -> Any:
    """Yield a temporary path beside `path` (beside its target when it is a symlink); on
    success it replaces that file in one step. The temporary file is removed on every exit
    that Python sees (errors, Ctrl-C, SIGTERM); a write that fails is one line, exit 2."""
    check_target(path)
    path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        os.close(handle)
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror})") from None
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError(
            f"{path}: cannot write ({error.strerror or error}); check the disk space and "
            "permissions, then run again"
        ) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: dates as YYYY-MM-DD (with the time when there is one, as for when
    an action was recorded), missing as null, numpy as Python."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime) and value.time() != datetime.min.time():
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        return _plain(value.item())
    if value is pd.NA:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = list(frame.columns)
    return [
        {name: _plain(value) for name, value in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    arrays = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            arrays[str(column)] = pa.array(series, from_pandas=True).cast(pa.date32())
        elif pd.api.types.is_bool_dtype(series):
            arrays[str(column)] = pa.array(series.map({True: "true", False: "false"}))
        else:
            arrays[str(column)] = pa.array(series, from_pandas=True)
    return pa.table(arrays)


def write_csv(frame: pd.DataFrame, sink: IO[bytes], encoding: str = "utf-8") -> None:
    """Defused CSV in `encoding` (utf-8-sig: with a BOM; gb18030: what old Excel expects)."""
    table = defuse_arrow(_arrow_table(frame))
    options = pacsv.WriteOptions(quoting_style="needed")
    if encoding == "gb18030":
        buffer = pa.BufferOutputStream()
        pacsv.write_csv(table, buffer, write_options=options)
        sink.write(buffer.getvalue().to_pybytes().decode("utf-8").encode("gb18030"))
        return
    if encoding == "utf-8-sig":
        sink.write(codecs.BOM_UTF8)
    pacsv.write_csv(table, sink, write_options=options)


def defuse_arrow(table: pa.Table) -> pa.Table:
    """Text cells that a spreadsheet would run as formulas get a leading apostrophe; other
    columns are left as they are. Every CSV npl writes goes through this."""
    columns = []
    prefixes = pa.array(FORMULA_PREFIXES)
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            first = pc.utf8_slice_codeunits(column, 0, 1)  # every prefix is one character
            risky = pc.fill_null(pc.is_in(first, value_set=prefixes.cast(column.type)), False)
            if not pc.any(risky).as_py():  # the usual case: nothing to change, nothing copied
                columns.append(column)
                continue
            column = pc.if_else(
                risky,
                pc.binary_join_element_wise(
                    pa.scalar("'", column.type), column, pa.scalar("", column.type)
                ),
                column,
            )
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def write_table_csv(table: pa.Table, output: Path) -> None:
    """An Arrow table (a workspace table, say) as CSV, defused, written atomically."""
    options = pacsv.WriteOptions(quoting_style="needed")
    with atomic_path(output) as temporary:
        pacsv.write_csv(defuse_arrow(table), str(temporary), write_options=options)


def write_json(frame: pd.DataFrame, sink: IO[bytes], meta: Mapping[str, Any] | None) -> None:
    rows = records(frame)
    payload: Any = {**meta, "rows": rows} if meta is not None else rows
    sink.write(json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
    sink.write(b"\n")


def write_jsonl(frame: pd.DataFrame, sink: IO[bytes]) -> None:
    for row in records(frame):
        sink.write(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        sink.write(b"\n")


def _open_book(path: Path, spill: Path) -> Any:
    """An XlsxWriter workbook in constant-memory mode whose temporary files go into `spill`
    (beside the target, never the system temp folder, where a killed run would leave the
    worklist), and which never turns text into formulas, numbers or links."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "tmpdir": str(spill),
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )


@dataclass(frozen=True)
class Chart:
    """A native Excel chart of a sheet's columns: `values` against `categories`."""

    kind: str  # line, column or bar
    title: str
    categories: str
    values: tuple[str, ...]
    anchor: str = "H2"
    percent: bool = False  # the values are ratios: the axis shows them as percentages


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook people print: its table, the amount columns (#,##0.00), the
    columns of sentences (wrapped), a totals row under the data, and page setup: landscape,
    fit to the page width, the header row repeated on every printed page."""

    frame: pd.DataFrame
    amounts: frozenset[str] = frozenset()
    wrapped: frozenset[str] = frozenset()
    footer: list[Any] | None = None
    printable: bool = True
    charts: tuple[Chart, ...] = ()
    percents: frozenset[str] = frozenset()  # ratio columns, shown as 0.0%
    color_scale: tuple[str, str] | None = None  # first and last column of a heat map


ROWS_PER_TICK = 1000  # how often a workbook's progress moves


def write_book(sheets: Mapping[str, Sheet], output: Path, progress: Progress = QUIET) -> None:
    """A workbook of several `Sheet`s, written atomically; progress counts the rows."""
    rows = sum(len(sheet.frame) for sheet in sheets.values())
    advance = progress.task(said(f"writing {output.name}", f"写入 {output.name}"), rows)
    with atomic_path(output) as temporary:
        spill = Path(tempfile.mkdtemp(prefix=f".{temporary.name}.", suffix=".parts",
                                      dir=temporary.parent))  # fmt: skip
        try:
            book = _open_book(temporary, spill)
            styles = _styles(book)
            for name, sheet in sheets.items():
                ws = _add_sheet(book, styles, sheet.frame, name, None, sheet.footer,
                                set(sheet.amounts), sheet.wrapped, advance,
                                sheet.percents)  # fmt: skip
                if sheet.printable:
                    _print_ready(ws)
                _decorate(book, ws, sheet)
            _close(book, output)
        finally:
            shutil.rmtree(spill, ignore_errors=True)


def _decorate(book: Any, ws: Any, sheet: Sheet) -> None:
    """A sheet's charts (native, so they stay live in Excel) and heat map."""
    title = ws.get_name()  # as written: unsafe characters replaced, 31 characters at most
    columns = [str(c) for c in sheet.frame.columns]
    last = len(sheet.frame)
    if sheet.color_scale and last:
        first_col, last_col = (columns.index(c) for c in sheet.color_scale)
        ws.conditional_format(1, first_col, last, last_col, {"type": "2_color_scale",
                              "min_color": "#FFFFFF", "max_color": "#F8696B"})  # fmt: skip
    for chart_spec in sheet.charts:
        if not last:
            continue
        chart = book.add_chart({"type": chart_spec.kind})
        category = columns.index(chart_spec.categories)
        for column in chart_spec.values:
            at = columns.index(column)
            chart.add_series({
                "name": [title, 0, at],
                "categories": [title, 1, category, last, category],
                "values": [title, 1, at, last, at],
            })  # fmt: skip
        chart.set_title({"name": chart_spec.title})
        if chart_spec.percent:
            axis = "set_x_axis" if chart_spec.kind == "bar" else "set_y_axis"
            getattr(chart, axis)({"num_format": "0%"})
        chart.set_size({"width": 640, "height": 320})
        ws.insert_chart(chart_spec.anchor, chart)


def _print_ready(ws: Any) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # as wide as one page, as many pages down as it takes
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def write_xlsx(
    frame: pd.DataFrame,
    path: Path,
    *,
    sheet: str = "npl",
    title_row: str | None = None,
    footer: list[Any] | None = None,
    amount_columns: Iterable[str] = (),
    progress: Progress = QUIET,
) -> None:
    """A worklist workbook: frozen header, filters, widths, real dates and formatted numbers;
    text is always written as text (never as a formula)."""
    write_sheets({sheet: frame}, path, amount_columns, title_row=title_row, footer=footer,
                 progress=progress)  # fmt: skip


def write_workbook(
    sheets: Mapping[str, pd.DataFrame], output: Path, amount_columns: Iterable[str] = ()
) -> None:
    """Several tables as the sheets of one workbook, written atomically."""
    with atomic_path(output) as temporary:
        write_sheets(sheets, temporary, amount_columns)


def write_sheets(
    sheets: Mapping[str, pd.DataFrame],
    path: Path,
    amount_columns: Iterable[str] = (),
    *,
    title_row: str | None = None,
    footer: list[Any] | None = None,
    progress: Progress = QUIET,
) -> None:
    spill = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".parts", dir=path.parent))
    rows = sum(len(frame) for frame in sheets.values())
    advance = progress.task(said("writing the workbook", "写入工作簿"), rows)
    try:
        _write_book(_open_book(path, spill), sheets, path, set(amount_columns), title_row, footer,
                    advance)  # fmt: skip
    finally:
        shutil.rmtree(spill, ignore_errors=True)  # the rows spilled so far, names and all


def _write_book(
    book: Any,
    sheets: Mapping[str, pd.DataFrame],
    path: Path,
    amounts: set[str],
    title_row: str | None,
    footer: list[Any] | None,
    advance: Advance,
) -> None:
    styles = _styles(book)
    for name, frame in sheets.items():
        _add_sheet(book, styles, frame, name, title_row, footer, amounts, advance=advance)
    _close(book, path)


def _styles(book: Any) -> dict[str, Any]:
    return {
        "bold": book.add_format({"bold": True}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "amount": book.add_format({"num_format": "#,##0.00"}),
        "bold_amount": book.add_format({"num_format": "#,##0.00", "bold": True}),
        "count": book.add_format({"num_format": "0"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "percent": book.add_format({"num_format": "0.00%"}),
    }


def _close(book: Any, path: Path) -> None:
    try:
        book.close()
    except Exception as error:  # XlsxWriter wraps OS errors in its own types
        raise OutputError(f"{path}: cannot write the workbook ({error})") from None


_SHEET_NAME_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))  # not allowed in sheet names


def _add_sheet(
    book: Any,
    styles: Mapping[str, Any],
    frame: pd.DataFrame,
    sheet: str,
    title_row: str | None,
    footer: list[Any] | None,
    amounts: set[str],
    wrapped: frozenset[str] = frozenset(),
    advance: Advance = ignore,
    percents: frozenset[str] = frozenset(),
) -> Any:
    ws = book.add_worksheet(sheet.translate(_SHEET_NAME_BAD)[:31] or "npl")
    columns = [str(c) for c in frame.columns]
    top = 1 if title_row else 0
    ws.freeze_panes(top + 1, 0)
    ws.autofilter(top, 0, top + len(frame), max(0, len(columns) - 1))
    for index, column in enumerate(columns):
        width = 50.0 if column in wrapped else _width(frame[column], column)
        ws.set_column(index, index, width)
    if title_row:
        ws.write_string(0, 0, title_row)
    for index, column in enumerate(columns):
        ws.write_string(top, index, column, styles["bold"])
    writers = [_cell_writer(ws, styles, frame[c], c in amounts, c in wrapped, c in percents)
               for c in columns]  # fmt: skip
    values = [_cells(frame[c]) for c in columns]
    for offset, row in enumerate(zip(*values, strict=True), start=top + 1):
        for index, (write, value) in enumerate(zip(writers, row, strict=True)):
            if value is not None:
                write(offset, index, value)
        if (offset - top) % ROWS_PER_TICK == 0:
            advance(ROWS_PER_TICK)
    advance(len(frame) % ROWS_PER_TICK)
    if footer:
        last = top + len(frame) + 1
        for index, value in enumerate(footer):
            amount = index < len(columns) and columns[index] in amounts
            _write_any(ws, last, index, value, styles["bold_amount"] if amount else None)
    return ws


def _cells(series: pd.Series) -> list[Any]:
    """A column's cells as plain Python values, missing as None (converted once per column)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    return [_plain(v) for v in series.to_numpy(dtype=object)]


def _write_any(ws: Any, row: int, column: int, value: Any, style: Any = None) -> None:
    plain = _plain(value)
    if plain is None:
        return
    if isinstance(plain, bool) or not isinstance(plain, int | float):
        ws.write_string(row, column, str(plain))
    else:
        ws.write_number(row, column, plain, style)


def _width(series: pd.Series, name: str) -> float:
    sample = series.head(200).astype("string").fillna("")
    longest = max([len(name), *(len(s) for s in sample)], default=8)
    return float(min(60, max(8, longest * 1.6 + 2)))


def _cell_writer(
    ws: Any,
    styles: Mapping[str, Any],
    series: pd.Series,
    amount: bool,
    wrap: bool = False,
    percent: bool = False,
) -> Callable[[int, int, Any], Any]:
    if pd.api.types.is_datetime64_any_dtype(series):

        def write_date(row: int, column: int, value: Any) -> Any:
            return ws.write_datetime(row, column, value, styles["date"])

        return write_date
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):

        def write_number(row: int, column: int, value: Any) -> Any:
            if isinstance(value, float) and not math.isfinite(value):
                return ws.write_string(row, column, str(value))
            style = (
                styles["percent"] if percent
                else styles["amount"] if amount
                else styles["count"] if isinstance(value, int) else None
            )  # fmt: skip
            return ws.write_number(row, column, value, style)

        return write_number

    text_style = styles["wrap"] if wrap else None

    def write_text(row: int, column: int, value: Any) -> Any:
        if isinstance(value, bool):
            return ws.write_boolean(row, column, value)
        return ws.write_string(row, column, str(value), text_style)  # never a formula

    return write_text


def write_frame(
    frame: pd.DataFrame,
    fmt: str,
    output: Path | None,
    *,
    meta: Mapping[str, Any] | None = None,
    amount_columns: Iterable[str] = (),
    sheet: str = "npl",
    csv_encoding: str = "utf-8-sig",
    progress: Progress = QUIET,
) -> None:
    """Write `frame` as `fmt` to `output` (atomically) or to stdout. A CSV file is UTF-8 with
    a BOM unless `csv_encoding` says otherwise, so that Excel shows its Chinese; CSV on stdout
    is plain UTF-8 for the next program."""
    if fmt == "xlsx":
        if output is None:
            raise UsageError("--format xlsx needs -o FILE.xlsx (a workbook cannot go to stdout)")
        with atomic_path(output) as temporary:
            write_xlsx(frame, temporary, sheet=sheet, amount_columns=amount_columns,
                       progress=progress)  # fmt: skip
        return
    writers: dict[str, Callable[[IO[bytes]], None]] = {
        "csv": lambda sink: write_csv(frame, sink, csv_encoding if output else "utf-8"),
        "json": lambda sink: write_json(frame, sink, meta),
        "jsonl": lambda sink: write_jsonl(frame, sink),
    }
    if fmt not in writers:
        raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(MACHINE_FORMATS)}")
    emit(writers[fmt], output)


def emit(write: Callable[[IO[bytes]], None], output: Path | None) -> None:
    """Run `write` against stdout, or against a temporary file that then replaces `output`."""
    if output is None:
        write(sys.stdout.buffer)
        sys.stdout.flush()
        return
    with atomic_path(output) as temporary, temporary.open("wb") as sink:
        write(sink)


def write_bytes(data: bytes) -> Callable[[IO[bytes]], None]:
    def write(sink: IO[bytes]) -> None:
        sink.write(data)

    return write


def write_json_object(payload: Mapping[str, Any] | list[Any], output: Path | None) -> None:
    data = (json.dumps(payload, ensure_ascii=False, indent=2, default=_plain) + "\n").encode()
    emit(write_bytes(data), output)
