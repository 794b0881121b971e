"""Read a CSV or Excel ledger into a frame of text cells, with the header found and every
physical row numbered as the user sees it (Excel row, or line in an editor)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from npl_cli.errors import InputError
from npl_cli.ledger.header import SCAN_ROWS, Cell, Header, find_header
from npl_cli.ledger.lines import split_records, utf8_lines
from npl_cli.ledger.xlsx import SheetNotes, check_size, sheet_notes, sheet_parts
from npl_cli.messages import said

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
DELIMITERS = (",", "\t", ";", "|")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAMPLE_BYTES = 256 * 1024


class _NotUtf8(Exception):
    pass


@dataclass
class RawTable:
    """Every data row below the header as text cells, named by the header."""

    cells: pa.Table  # one string column per header name, null when empty
    source_rows: np.ndarray  # 1-based row number of each row of `cells`
    headers: list[str]
    header_row: int  # 1-based row of the (last) header row
    sheet: str | None = None
    encoding: str | None = None
    blank_rows: int = 0  # blank physical rows below the header that never reached `cells`
    malformed: pd.DataFrame = field(default_factory=pd.DataFrame)  # source_row, text, reason
    skipped_sheets: list[str] = field(default_factory=list)  # hidden sheets passed over
    title: list[str] = field(default_factory=list)  # the rows above the header, as text
    # cells read as empty that held something: an Excel error, an unsaved formula
    cell_notes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["source_row", "header", "note"])
    )


def read_table(
    path: Path,
    *,
    overrides: Mapping[str, str],
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
) -> RawTable:
    if not path.exists():
        raise InputError(
            said(f"{path}: file not found; check the path", f"{path}：文件不存在；请检查路径")
        )
    if path.is_dir():
        raise InputError(
            said(
                f"{path}: is a folder; give a ledger file (.xlsx, .xls or .csv)",
                f"{path}：这是文件夹；请给出台账文件（.xlsx、.xls 或 .csv）",
            )
        )
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path, overrides=overrides, sheet=sheet, header_row=header_row)
    if suffix in CSV_SUFFIXES:
        return read_csv(path, overrides=overrides, header_row=header_row, encoding=encoding)
    raise InputError(
        said(
            f"{path}: unsupported file type '{suffix or 'none'}'; "
            "give an .xlsx, .xlsm, .xls or .csv ledger",
            f"{path}：不支持的文件类型“{suffix or '无'}”；请给出 .xlsx、.xlsm、.xls 或 .csv 台账",
        )
    )


def _no_header(path: Path, where: str) -> InputError:
    return InputError(
        said(
            f"{path}: no ledger header found{where}; expected headers such as 借据号 and "
            "贷款余额 (see 'npl inspect --help'); use --header-row N, or map your headers in "
            "npl.toml [columns]",
            f"{path}：未找到台账表头{where}；应有“借据号”“贷款余额”等列名；用 --header-row N "
            "指定表头行，或在 npl.toml 的 [columns] 中映射列名",
        )
    )


# --- Excel ------------------------------------------------------------------------------------


def _open_workbook(path: Path) -> object:
    import fastexcel

    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if path.suffix.lower() != ".xls" and head.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in head or b"EncryptedPackage" in head:
            raise InputError(
                f"{path}: the workbook is password-protected; "
                "save an unprotected copy and read that"
            )
    try:
        return fastexcel.read_excel(str(path))
    except Exception as error:  # fastexcel raises its own error types per failure
        raise InputError(
            f"{path}: cannot open the workbook ({_first_line(error)}); "
            "open it in Excel and save it again as .xlsx"
        ) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _load_sheet(reader: object, index: int) -> Any:
    return reader.load_sheet(  # type: ignore[attr-defined]
        index, header_row=None, skip_rows=0, dtypes="string"
    )


def _rows_of(table: pa.Table) -> list[list[Cell]]:
    columns = [column.to_pylist() for column in table.columns]
    return [list(row) for row in zip(*columns, strict=True)]


def _pick_sheet(path: Path, reader: object, sheet: str | None) -> int:
    names: list[str] = list(reader.sheet_names)  # type: ignore[attr-defined]
    if sheet is None:
        return -1
    if sheet in names:
        return names.index(sheet)
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    listed = ", ".join(f"{i}:{name}" for i, name in enumerate(names, start=1))
    raise InputError(
        said(
            f"{path}: no sheet '{sheet}'; the workbook has {listed} (give --sheet NAME or NUMBER)",
            f"{path}：没有工作表“{sheet}”；工作簿中有 {listed}（用 --sheet 名称或序号）",
        )
    )


def read_excel(
    path: Path, *, overrides: Mapping[str, str], sheet: str | None, header_row: int | None
) -> RawTable:
    parts = sheet_parts(path) if path.suffix.lower() in (".xlsx", ".xlsm") else None
    if parts:
        check_size(path, parts)
    reader = _open_workbook(path)
    names: list[str] = list(reader.sheet_names)  # type: ignore[attr-defined]
    chosen = _pick_sheet(path, reader, sheet)
    hidden = {p.name for p in parts or [] if p.hidden}
    candidates = [chosen] if chosen >= 0 else list(range(len(names)))
    forced = header_row - 1 if header_row else None
    any_cells = False
    skipped = []
    for index in candidates:
        if chosen < 0 and names[index] in hidden:  # a hidden sheet only when --sheet names it
            skipped.append(names[index])
            continue
        # calamine parses a whole sheet even for a few rows, so read each candidate once
        loaded = _load_sheet(reader, index)
        if chosen < 0 and getattr(loaded, "visible", "visible") != "visible":
            skipped.append(names[index])
            continue
        table = pa.table(loaded.to_arrow())
        any_cells = any_cells or table.num_rows > 0
        head = _rows_of(table.slice(0, SCAN_ROWS + (forced or 0)))
        header = find_header(head, overrides, forced) if head else None
        if header is not None:
            raw = _slice_below_header(table, header, sheet=names[index], first_row_number=1)
            raw.skipped_sheets = skipped
            part = next((p.part for p in parts or [] if p.name == names[index]), None)
            return _with_notes(raw, sheet_notes(path, part)) if part else raw
    if not any_cells:
        where = f"sheet '{names[candidates[0]]}' is" if len(candidates) == 1 else "every sheet is"
        if skipped and len(skipped) == len(candidates):
            where = "every visible sheet is"
        raise InputError(f"{path}: {where} empty; give a workbook with a ledger sheet")
    where = f" on sheet '{names[chosen]}'" if chosen >= 0 else " on any sheet"
    if skipped:
        where += f" (hidden sheets skipped: {', '.join(skipped)}; name one with --sheet)"
    raise _no_header(path, where)


def _with_notes(raw: RawTable, notes: SheetNotes) -> RawTable:
    """Merged ranges filled from their first cell (a name or ID merged over several loans
    belongs to each of them), and the notes on cells of the body."""
    first_row = int(raw.source_rows[0]) if len(raw.source_rows) else raw.header_row + 1
    width = raw.cells.num_columns
    columns: dict[int, np.ndarray] = {}
    for top, left, bottom, right in notes.merged:
        if top < first_row or left >= width:
            continue  # merged header cells are the header finder's business
        value = raw.cells.column(left)[top - first_row].as_py()
        for column in range(left, min(right, width - 1) + 1):
            if column not in columns:
                columns[column] = raw.cells.column(column).to_numpy(zero_copy_only=False).copy()
            columns[column][top - first_row : bottom - first_row + 1] = value
    if columns:
        cells = raw.cells
        for column, values in columns.items():
            cells = cells.set_column(column, cells.field(column), pa.array(values, pa.string()))
        raw.cells = cells
    body = [
        (row, raw.headers[column], note)
        for (row, column), note in notes.cells.items()
        if row >= first_row and column < width
    ]
    raw.cell_notes = pd.DataFrame(body, columns=["source_row", "header", "note"])
    return raw


def _slice_below_header(
    table: pa.Table, header: Header, *, sheet: str | None, first_row_number: int
) -> RawTable:
    width = table.num_columns
    names = header.names[:width] + [f"column_{i + 1}" for i in range(len(header.names), width)]
    body = table.slice(header.index + 1).rename_columns(names)
    rows = np.arange(header.index + 1, table.num_rows, dtype=np.int64) + first_row_number
    above = table.slice(0, max(0, header.index + 1 - header.depth)).to_pylist()
    title = [" ".join(str(v) for v in row.values() if v not in (None, "")) for row in above]
    return RawTable(
        title=title,
        cells=body,
        source_rows=rows,
        headers=names,
        header_row=header.index + first_row_number,
        sheet=sheet,
    )


# --- CSV --------------------------------------------------------------------------------------


def guess_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the sample decodes as such, or when it holds UTF-8
    text before its first bad byte (a stray byte in a UTF-8 file is named, not guessed
    around); else GB18030 (a superset of GBK and GB2312, what Windows Excel writes for
    Chinese). Arrow checks the whole file."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:_SAMPLE_BYTES], final=False)
        return "utf-8"
    except UnicodeDecodeError as bad:
        return "utf-8" if not data[: bad.start].isascii() else "gb18030"


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter that splits most sample lines into the same (largest) number of fields."""
    best, best_key = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines if line.strip()]
        nonzero = [count for count in counts if count]
        if not nonzero:
            continue
        modal = max(set(nonzero), key=lambda c: (nonzero.count(c), c))
        key = (nonzero.count(modal), modal)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def read_csv(
    path: Path, *, overrides: Mapping[str, str], header_row: int | None, encoding: str | None
) -> RawTable:
    with pa.memory_map(str(path)) as source:
        data = source.read_buffer()  # zero-copy; Arrow parses straight from the mapping
    head = data[:_SAMPLE_BYTES].to_pybytes()
    if not head.strip() and not data.to_pybytes().strip():
        raise InputError(f"{path}: the file is empty; give a ledger with a header and rows")
    given = encoding
    encoding = encoding or guess_encoding(head)
    try:
        sample = head.decode(encoding, errors="replace")
    except LookupError:
        raise InputError(f"{path}: unknown encoding '{encoding}'; try gb18030 or utf-8") from None
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    sample = sample.lstrip("\ufeff")
    wanted = SCAN_ROWS + (header_row or 0)
    delimiter = sniff_delimiter(_LINE_BREAK.split(sample)[:wanted])
    rows, ends = _sample_records(sample, delimiter, wanted)
    forced = header_row - 1 if header_row else None
    header = find_header(rows, overrides, forced)
    if header is None:
        raise _no_header(path, "")
    body_start = ends[header.index] if header.index < len(ends) else header.index + 1
    above = _first_lines(sample, body_start)  # the title and header lines, as bytes
    offset = bom + len(above.encode(encoding.replace("-sig", ""), errors="replace"))
    body = data[offset:]
    width = len(header.names)
    try:
        table, irregular = _arrow_read(path, body, encoding, delimiter, width)
    except _NotUtf8 as error:
        if given or encoding != "utf-8" or not head.isascii():
            raise InputError(_not_encoding(path, data.to_pybytes(), encoding, error)) from None
        encoding = "gb18030"  # UTF-8 at the start only: a GBK file with an ASCII head
        table, irregular = _arrow_read(path, body, encoding, delimiter, width)
    blank_lines = np.empty(0, dtype=np.int64)
    malformed = pd.DataFrame(columns=["source_row", "text", "fields", "reason"])
    if irregular == 0 and table.num_rows == _line_count(body):  # one record per line
        source_rows = np.arange(body_start + 1, body_start + 1 + table.num_rows, dtype=np.int64)
    else:  # blank or malformed lines, or line breaks inside quotes: parse and number exactly
        text = body.to_pybytes().decode(encoding, errors="replace")
        records = split_records(text, delimiter, width, first_line=body_start + 1)
        table, source_rows = records.table, records.lines
        blank_lines, malformed = records.blank_lines, records.malformed
    notes = pd.DataFrame(columns=["source_row", "header", "note"])
    if encoding == "gb18030":
        garbled = utf8_lines(body) + body_start
        notes = pd.DataFrame({"source_row": garbled, "header": None, "note": MIXED_ENCODING})
    title_rows = rows[: max(0, header.index + 1 - header.depth)]
    return RawTable(
        title=[" ".join(str(c) for c in row if c not in (None, "")) for row in title_rows],
        cells=table.rename_columns(header.names),
        source_rows=source_rows,
        headers=header.names,
        header_row=body_start,
        encoding=encoding,
        blank_rows=len(blank_lines),
        malformed=malformed,
        cell_notes=notes,
    )


MIXED_ENCODING = (
    "this line is UTF-8 inside a GB18030 (GBK) file, so its text reads garbled; save the file "
    "again in one encoding"
)


def _line_count(body: pa.Buffer) -> int:
    """Physical lines in the body: its \n (or, in a file without any, its \r), counted in
    one numpy pass; a last line without a line break counts too."""
    data = np.frombuffer(body, dtype=np.uint8)
    if not len(data):
        return 0
    ends = _count_byte(data, 10) or _count_byte(data, 13)
    return ends + int(data[-1] not in (10, 13))


_CHUNK = 1 << 24  # 16 MiB: the comparison's scratch array stays small (no page-fault storm)


def _count_byte(data: np.ndarray, byte: int) -> int:
    return sum(
        int(np.count_nonzero(data[at : at + _CHUNK] == byte)) for at in range(0, len(data), _CHUNK)
    )


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what a CSV parser breaks lines at (not \f, \v, U+2028)


def _sample_records(sample: str, delimiter: str, wanted: int) -> tuple[list[list[Cell]], list[int]]:
    """The first records of the sample and the physical line each one ends on."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    ends: list[int] = []
    try:
        for record in reader:
            rows.append(list(record))
            ends.append(reader.line_num)
            if len(rows) >= wanted:
                break
    except csv.Error:
        pass  # a broken quote among the title rows: the header is looked for above it
    return rows, ends


def _first_lines(text: str, count: int) -> str:
    """The first `count` physical lines of `text`, with their line breaks."""
    stream = io.StringIO(text, newline="")
    return "".join(stream.readline() for _ in range(count))


def _not_encoding(path: Path, data: bytes, encoding: str, error: Exception) -> str:
    """One line naming where the text stops being `encoding`."""
    try:
        data.decode(encoding.replace("-sig", ""))
        where = ""
    except UnicodeDecodeError as bad:
        line = data.count(b"\n", 0, bad.start) + 1
        where = f" at line {line} (byte 0x{data[bad.start]:02x})"
    return (
        f"{path}: the text is not valid {encoding}{where}; the file mixes encodings: save it "
        "again in one encoding, or give the right one with --encoding (e.g. gb18030)"
    )


def _arrow_read(
    path: Path, body: pa.Buffer, encoding: str, delimiter: str, width: int
) -> tuple[pa.Table, int]:
    """Parse every cell of the body (the lines below the header) as text, a record exactly
    one line: blank lines, quoted line breaks and wrong field counts show up as irregular rows
    (counted), for split_records to number exactly."""
    irregular = 0

    def on_invalid(row: object) -> str:
        nonlocal irregular
        irregular += 1
        return "skip"

    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(
                column_names=names, encoding=encoding.replace("utf-8-sig", "utf-8")
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                invalid_row_handler=on_invalid,
                newlines_in_values=False,
                ignore_empty_lines=False,  # a blank line is a row (skipped as blank later)
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        if "UTF8" in str(error) or "UTF-8" in str(error) or isinstance(error, UnicodeDecodeError):
            raise _NotUtf8(str(error)) from None
        raise InputError(
            f"{path}: cannot parse as CSV ({_first_line(error)}); "
            "check the delimiter and encoding (--encoding)"
        ) from None
    return table, irregular
