"""Read a CSV or Excel ledger into a frame of text cells, with the header found and every
physical row numbered as the user sees it (Excel row, or line in an editor)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from npl_cli.errors import InputError
from npl_cli.ledger.header import SCAN_ROWS, Cell, Header, find_header

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
    malformed: pd.DataFrame = field(default_factory=pd.DataFrame)  # source_row, text, fields


def read_table(
    path: Path,
    *,
    overrides: Mapping[str, str],
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
) -> RawTable:
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a ledger file (.xlsx, .xls or .csv)")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path, overrides=overrides, sheet=sheet, header_row=header_row)
    if suffix in CSV_SUFFIXES:
        return read_csv(path, overrides=overrides, header_row=header_row, encoding=encoding)
    raise InputError(
        f"{path}: unsupported file type '{suffix or 'none'}'; "
        "give an .xlsx, .xlsm, .xls or .csv ledger"
    )


def _no_header(path: Path, where: str) -> InputError:
    return InputError(
        f"{path}: no ledger header found{where}; expected headers such as 借据号 and 贷款余额 "
        "(see 'npl inspect --help'); use --header-row N, or map your headers in npl.toml [columns]"
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


def _load_sheet(reader: object, index: int) -> pa.Table:
    sheet = reader.load_sheet(  # type: ignore[attr-defined]
        index, header_row=None, skip_rows=0, dtypes="string"
    )
    return pa.table(sheet.to_arrow())


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
        f"{path}: no sheet '{sheet}'; the workbook has {listed} (give --sheet NAME or NUMBER)"
    )


def read_excel(
    path: Path, *, overrides: Mapping[str, str], sheet: str | None, header_row: int | None
) -> RawTable:
    reader = _open_workbook(path)
    names: list[str] = list(reader.sheet_names)  # type: ignore[attr-defined]
    chosen = _pick_sheet(path, reader, sheet)
    candidates = [chosen] if chosen >= 0 else list(range(len(names)))
    forced = header_row - 1 if header_row else None
    any_cells = False
    for index in candidates:
        # calamine parses a whole sheet even for a few rows, so read each candidate once
        table = _load_sheet(reader, index)
        any_cells = any_cells or table.num_rows > 0
        head = _rows_of(table.slice(0, SCAN_ROWS + (forced or 0)))
        header = find_header(head, overrides, forced) if head else None
        if header is not None:
            return _slice_below_header(table, header, sheet=names[index], first_row_number=1)
    if not any_cells:
        where = f"sheet '{names[candidates[0]]}' is" if len(candidates) == 1 else "every sheet is"
        raise InputError(f"{path}: {where} empty; give a workbook with a ledger sheet")
    where = f" on sheet '{names[chosen]}'" if chosen >= 0 else " on any sheet"
    raise _no_header(path, where)


def _slice_below_header(
    table: pa.Table, header: Header, *, sheet: str | None, first_row_number: int
) -> RawTable:
    width = table.num_columns
    names = header.names[:width] + [f"column_{i + 1}" for i in range(len(header.names), width)]
    body = table.slice(header.index + 1).rename_columns(names)
    rows = np.arange(header.index + 1, table.num_rows, dtype=np.int64) + first_row_number
    return RawTable(
        cells=body,
        source_rows=rows,
        headers=names,
        header_row=header.index + first_row_number,
        sheet=sheet,
    )


# --- CSV --------------------------------------------------------------------------------------


def guess_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the sample decodes as such, else GB18030 (a superset
    of GBK and GB2312, what Windows Excel writes for Chinese). Arrow checks the whole file."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:_SAMPLE_BYTES], final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


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
    sample_lines = sample.lstrip("\ufeff").splitlines()[: SCAN_ROWS + (header_row or 0)]
    delimiter = sniff_delimiter(sample_lines)
    parsed = list(csv.reader(sample_lines, delimiter=delimiter))
    forced = header_row - 1 if header_row else None
    header = find_header([list(r) for r in parsed], overrides, forced)
    if header is None:
        raise _no_header(path, "")
    body_start = header.index + 1  # physical lines before the first data line
    width = len(header.names)

    def parse(encoding: str, strict_lines: bool) -> tuple[pa.Table, int]:
        return _arrow_read(path, data, encoding, delimiter, body_start, width, strict_lines)

    try:
        table, irregular = parse(encoding, True)
    except _NotUtf8:
        if given or encoding != "utf-8":
            raise InputError(
                f"{path}: the text is not valid {encoding}; give the right one with --encoding "
                "(e.g. --encoding gb18030)"
            ) from None
        encoding = "gb18030"  # UTF-8 at the start only: a GBK file with an ASCII head
        table, irregular = parse(encoding, True)
    blank_rows = 0
    malformed = pd.DataFrame(columns=["source_row", "text", "fields"])
    if irregular == 0:  # every line below the header is one record
        source_rows = np.arange(body_start + 1, body_start + 1 + table.num_rows, dtype=np.int64)
    else:  # blank or malformed lines, or line breaks inside quotes: parse and number exactly
        table, _ = parse(encoding, False)
        lines, malformed, blank_rows = _record_lines(
            data.to_pybytes(), encoding, delimiter, body_start, width
        )
        source_rows = np.asarray(lines, dtype=np.int64)
        if len(source_rows) != table.num_rows:
            raise InputError(
                f"{path}: rows could not be numbered reliably (unbalanced quotes?); "
                "open it in Excel and save it again"
            )
    return RawTable(
        cells=table.rename_columns(header.names),
        source_rows=source_rows,
        headers=header.names,
        header_row=header.index + 1,
        encoding=encoding,
        blank_rows=blank_rows,
        malformed=malformed,
    )


def _arrow_read(
    path: Path,
    data: pa.Buffer,
    encoding: str,
    delimiter: str,
    body_start: int,
    width: int,
    strict_lines: bool,
) -> tuple[pa.Table, int]:
    """Parse every cell as text. With `strict_lines`, a record is exactly one line: blank
    lines, quoted line breaks and wrong field counts show up as irregular rows (counted)."""
    irregular = 0

    def on_invalid(row: object) -> str:
        nonlocal irregular
        irregular += 1
        return "skip"

    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                skip_rows=body_start,
                column_names=names,
                encoding=encoding.replace("utf-8-sig", "utf-8"),
                block_size=16 * 1024 * 1024,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                invalid_row_handler=on_invalid,
                newlines_in_values=not strict_lines,
                ignore_empty_lines=width == 1 or not strict_lines,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        if "UTF8" in str(error) or isinstance(error, UnicodeDecodeError):
            raise _NotUtf8 from None
        raise InputError(
            f"{path}: cannot parse as CSV ({_first_line(error)}); "
            "check the delimiter and encoding (--encoding)"
        ) from None
    return table, irregular


def _record_lines(
    data: bytes, encoding: str, delimiter: str, body_start: int, width: int
) -> tuple[list[int], pd.DataFrame, int]:
    """1-based start line of each well-formed record, the malformed ones, and blank lines."""
    text = io.StringIO(data.decode(encoding, errors="replace").lstrip("\ufeff"), newline="")
    for _ in range(body_start):
        text.readline()
    reader = csv.reader(text, delimiter=delimiter)
    good: list[int] = []
    bad: list[dict[str, object]] = []
    blank = 0
    previous = 0
    for record in reader:
        start = body_start + previous + 1
        previous = reader.line_num
        if not record:
            blank += 1
        elif len(record) == width:
            good.append(start)
        else:
            bad.append({"source_row": start, "text": delimiter.join(record), "fields": len(record)})
    malformed = pd.DataFrame(bad, columns=["source_row", "text", "fields"])
    return good, malformed, blank
