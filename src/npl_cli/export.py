"""Writers for csv / json / jsonl / xlsx: atomic, injection-safe, stable column names."""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from npl_cli.errors import UsageError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MACHINE_FORMATS = ("csv", "json", "jsonl", "xlsx")


def guard_output(output: Path | None, inputs: Iterable[Path]) -> None:
    """Refuse to write over an input file."""
    if output is None:
        return
    target = output.resolve()
    for path in inputs:
        if path.exists() and path.resolve() == target:
            raise UsageError(
                f"{output}: refusing to overwrite an input file; choose another -o path"
            )


@contextmanager
def atomic_path(path: Path) -> Any:
    """Yield a temporary path beside `path`; on success it replaces `path` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def defuse_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        text = series.astype("string")
        risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
        if risky.any():
            out[column] = text.where(~risky, "'" + text)
    return out


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


def write_csv(frame: pd.DataFrame, sink: IO[bytes]) -> None:
    table = _arrow_table(defuse_text(frame))
    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(quoting_style="needed"))


def write_json(frame: pd.DataFrame, sink: IO[bytes], meta: Mapping[str, Any] | None) -> None:
    rows = records(frame)
    payload: Any = {**meta, "rows": rows} if meta is not None else rows
    sink.write(json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
    sink.write(b"\n")


def write_jsonl(frame: pd.DataFrame, sink: IO[bytes]) -> None:
    for row in records(frame):
        sink.write(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        sink.write(b"\n")


def write_xlsx(
    frame: pd.DataFrame,
    path: Path,
    *,
    sheet: str = "npl",
    title_row: str | None = None,
    footer: list[Any] | None = None,
    amount_columns: Iterable[str] = (),
) -> None:
    """A worklist workbook: frozen header, filters, widths, real dates and formatted numbers;
    text is always written as text (never as a formula)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _add_sheet(book, frame, sheet, title_row, footer, amount_columns)
    book.save(path)


def write_workbook(
    sheets: Mapping[str, pd.DataFrame], output: Path, amount_columns: Iterable[str] = ()
) -> None:
    """Several tables as the sheets of one workbook, written atomically."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        _add_sheet(book, frame, name, None, None, amount_columns)
    with atomic_path(output) as temporary:
        book.save(temporary)


def _add_sheet(
    book: Any,
    frame: pd.DataFrame,
    sheet: str,
    title_row: str | None,
    footer: list[Any] | None,
    amount_columns: Iterable[str],
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet[:31])
    columns = [str(c) for c in frame.columns]
    amounts = set(amount_columns)
    offset = 1 if title_row else 0
    ws.freeze_panes = f"A{2 + offset}"
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A{1 + offset}:{last}{1 + offset + len(frame)}"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _width(frame[column], column)
    if title_row:
        ws.append([title_row])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    writers = [_cell_writer(ws, frame[c], c in amounts) for c in columns]
    for row in frame.itertuples(index=False, name=None):
        ws.append([write(value) for write, value in zip(writers, row, strict=True)])
    if footer:
        ws.append(footer)


def _width(series: pd.Series, name: str) -> float:
    sample = series.head(200).astype("string").fillna("")
    longest = max([len(name), *(len(s) for s in sample)], default=8)
    return float(min(60, max(8, longest * 1.6 + 2)))


def _cell_writer(ws: Any, series: pd.Series, amount: bool) -> Callable[[Any], Any]:
    from openpyxl.cell import WriteOnlyCell

    if pd.api.types.is_datetime64_any_dtype(series):

        def write_date(value: Any) -> Any:
            if pd.isna(value):
                return None
            cell = WriteOnlyCell(ws, value=value.to_pydatetime())
            cell.number_format = "yyyy-mm-dd"
            return cell

        return write_date
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        number_format = "#,##0.00" if amount else "0"

        def write_number(value: Any) -> Any:
            plain = _plain(value)
            if plain is None:
                return None
            cell = WriteOnlyCell(ws, value=plain)
            cell.number_format = number_format if amount or isinstance(plain, int) else "General"
            return cell

        return write_number

    def write_text(value: Any) -> Any:
        plain = _plain(value)
        if plain is None or isinstance(plain, bool):
            return plain
        cell = WriteOnlyCell(ws, value=str(plain))
        cell.data_type = "s"  # never a formula
        return cell

    return write_text


def write_frame(
    frame: pd.DataFrame,
    fmt: str,
    output: Path | None,
    *,
    meta: Mapping[str, Any] | None = None,
    amount_columns: Iterable[str] = (),
    sheet: str = "npl",
) -> None:
    """Write `frame` as `fmt` to `output` (atomically) or to stdout."""
    if fmt == "xlsx":
        if output is None:
            raise UsageError("--format xlsx needs -o FILE.xlsx (a workbook cannot go to stdout)")
        with atomic_path(output) as temporary:
            write_xlsx(frame, temporary, sheet=sheet, amount_columns=amount_columns)
        return
    writers: dict[str, Callable[[IO[bytes]], None]] = {
        "csv": lambda sink: write_csv(frame, sink),
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


def write_json_object(payload: Mapping[str, Any], output: Path | None) -> None:
    data = (json.dumps(payload, ensure_ascii=False, indent=2, default=_plain) + "\n").encode()
    emit(write_bytes(data), output)
