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


@dataclass
class RawTable:
    """Every data row below the header as text cells, named by the header."""

    cells: pd.DataFrame  # one column per header name, string cells, None when empty
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
                f"{path}: the workbook is password-protected; save an unprotected copy and read that"
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


def _load_sheet(reader: object, index: int, n_rows: int | None) -> pd.DataFrame:
    sheet = reader.load_sheet(  # type: ignore[attr-defined]
        index, header_row=None, skip_rows=0, n_rows=n_rows, dtypes="string"
    )
    table = sheet.to_arrow()
    frame = pa.table(table).to_pandas() if not isinstance(table, pa.Table) else table.to_pandas()
    frame.columns = range(frame.shape[1])
    return frame


def _rows_of(frame: pd.DataFrame) -> list[list[Cell]]:
    return [[None if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)]


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
    found: tuple[int, Header] | None = None
    any_cells = False
    for index in candidates:
        head = _load_sheet(reader, index, SCAN_ROWS + (forced or 0))
        any_cells = any_cells or not head.empty
        header = find_header(_rows_of(head), overrides, forced) if not head.empty else None
        if header is not None:
            found = (index, header)
            break
    if found is None:
        if not any_cells:
            where = f" sheet '{names[candidates[0]]}'" if len(candidates) == 1 else ""
            raise InputError(f"{path}:{where} is empty; give a workbook with a ledger sheet")
        where = f" on sheet '{names[chosen]}'" if chosen >= 0 else " on any sheet"
        raise _no_header(path, where)
    index, header = found
    frame = _load_sheet(reader, index, None)
    return _slice_below_header(frame, header, sheet=names[index], first_row_number=1)


def _slice_below_header(
    frame: pd.DataFrame, header: Header, *, sheet: str | None, first_row_number: int
) -> RawTable:
    names = header.names + [f"column_{i + 1}" for i in range(len(header.names), frame.shape[1])]
    body = frame.iloc[header.index + 1 :].reindex(columns=range(len(names)))
    body.columns = names
    rows = np.arange(len(frame), dtype=np.int64)[header.index + 1 :] + first_row_number
    return RawTable(
        cells=body.reset_index(drop=True),
        source_rows=rows,
        headers=names,
        header_row=header.index + first_row_number,
        sheet=sheet,
    )


# --- CSV --------------------------------------------------------------------------------------


def detect_encoding(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else GB18030 (a superset of
    GBK and GB2312, what Windows Excel writes for Chinese)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 8 * 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step], final=start + step >= len(data))
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data[:_SAMPLE_BYTES].decode("gb18030", errors="strict")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: the text is neither UTF-8 nor GB18030/GBK; "
            "give the encoding with --encoding (e.g. --encoding big5)"
        ) from None
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
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: the file is empty; give a ledger with a header and rows")
    encoding = encoding or detect_encoding(path, data)
    try:
        sample = data[:_SAMPLE_BYTES].decode(encoding, errors="replace")
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
    table, malformed_count = _arrow_read(path, data, encoding, delimiter, body_start, header)
    lines = _line_layout(data)
    data_lines = lines.nonblank[lines.nonblank >= body_start]
    blank_rows = int(lines.count - body_start - len(data_lines))
    if malformed_count == 0 and len(data_lines) == table.num_rows:
        source_rows = data_lines + 1
        malformed = pd.DataFrame(columns=["source_row", "text", "fields"])
    else:  # short/long rows or quoted line breaks: number the records the slow, exact way
        source_rows, malformed, blank_rows = _record_lines(
            data, encoding, delimiter, body_start, len(header.names)
        )
    frame = table.to_pandas()
    frame.columns = header.names
    return RawTable(
        cells=frame,
        source_rows=np.asarray(source_rows, dtype=np.int64),
        headers=header.names,
        header_row=header.index + 1,
        encoding=encoding,
        blank_rows=blank_rows,
        malformed=malformed,
    )


def _arrow_read(
    path: Path, data: bytes, encoding: str, delimiter: str, body_start: int, header: Header
) -> tuple[pa.Table, int]:
    width = len(header.names)
    malformed = 0

    def on_invalid(row: object) -> str:
        nonlocal malformed
        malformed += 1
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
                delimiter=delimiter, invalid_row_handler=on_invalid, newlines_in_values=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise InputError(
            f"{path}: cannot parse as CSV ({_first_line(error)}); "
            "check the delimiter and encoding (--encoding)"
        ) from None
    return table, malformed


@dataclass(frozen=True)
class _Lines:
    count: int  # physical lines (a final newline does not start another)
    nonblank: np.ndarray  # 0-based indices of non-empty lines


def _line_layout(data: bytes) -> _Lines:
    buffer = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buffer == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(buffer)]))
    if starts[-1] == len(buffer):  # trailing newline
        starts, ends = starts[:-1], ends[:-1]
    lengths = ends - starts
    has_cr = np.zeros(len(ends), dtype=bool)
    inner = ends > starts
    has_cr[inner] = buffer[ends[inner] - 1] == 13
    lengths = lengths - has_cr
    if len(lengths) and data.startswith(codecs.BOM_UTF8):
        lengths[0] -= 3
    return _Lines(count=len(lengths), nonblank=np.flatnonzero(lengths > 0))


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
            bad.append({"source_row": start, "text": delimiter.join(record),
                        "fields": len(record)})
    malformed = pd.DataFrame(bad, columns=["source_row", "text", "fields"])
    return good, malformed, blank
