"""Line-level work on CSV text: every physical line accounted for when the fast parse found
irregular ones, and the lines of a GB18030 file that are really UTF-8."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa


@dataclass
class Records:
    table: pa.Table  # the well-formed records' cells (f0, f1, ...)
    lines: np.ndarray  # the line each one starts on
    blank_lines: np.ndarray
    malformed: pd.DataFrame  # source_row, text, fields, reason
    spans: list[tuple[int, int]]  # every record's first and last line (blank lines excluded)


csv.field_size_limit(256 * 1024 * 1024)  # a long note is a cell, not an error


def split_records(text: str, delimiter: str, width: int, *, first_line: int) -> Records:
    """Every physical line of `text` (which starts at line `first_line`) accounted for: a
    well-formed record (a quoted line break joins lines into one), a blank line, or a
    malformed record — a wrong number of fields, or a quote opened and never closed, which
    names the line it opened on and takes only that line (reading resumes on the next)."""
    lines = io.StringIO(text, newline="").readlines()
    good: list[list[str]] = []
    starts: list[int] = []
    blank: list[int] = []
    bad: list[dict[str, object]] = []
    spans: list[tuple[int, int]] = []
    at = 0
    while at < len(lines):
        reader = csv.reader(iter(lines[at:]), delimiter=delimiter, strict=True)
        consumed = 0
        try:
            for record in reader:
                start, consumed = at + consumed, reader.line_num
                number = first_line + start
                if not record:
                    blank.append(number)
                    continue
                spans.append((number, first_line + at + consumed - 1))
                if len(record) == width:
                    good.append(record)
                    starts.append(number)
                else:
                    bad.append(_malformed(number, delimiter.join(record), len(record), width))
            at = len(lines)
        except csv.Error as error:
            start = at + consumed  # the record that broke starts on the line after the last
            line = lines[start].rstrip("\r\n")
            reason = (
                "a quote opened on this line is never closed; fix the quoting (the lines "
                "after it are read on their own)"
                if "end of data" in str(error) or start + 1 >= len(lines)
                else f"cannot be read as CSV ({error}); fix the quoting"
            )
            bad.append({"source_row": first_line + start, "text": line, "fields": None,
                        "reason": reason})  # fmt: skip
            spans.append((first_line + start, first_line + start))
            at = start + 1
    columns = list(zip(*good, strict=True)) if good else [()] * width
    table = pa.table(
        [pa.array([cell or None for cell in column], pa.string()) for column in columns],
        names=[f"f{i}" for i in range(width)],
    )
    malformed = pd.DataFrame(bad, columns=["source_row", "text", "fields", "reason"])
    return Records(table, np.asarray(starts, np.int64), np.asarray(blank, np.int64),
                   malformed, spans)  # fmt: skip


def _malformed(number: int, text: str, fields: int, width: int) -> dict[str, object]:
    return {
        "source_row": number,
        "text": text,
        "fields": fields,
        "reason": f"{fields} fields where the header has {width}; fix the quoting or delimiters",
    }


def utf8_lines(data: bytes | pa.Buffer, chunk: int = 8 << 20) -> np.ndarray:
    """1-based numbers of the lines that are valid UTF-8 with non-ASCII text — in a file read
    as GB18030 such a line is garbled (a GBK line of Chinese is almost never valid UTF-8).
    Each lead byte must be followed by exactly the continuation bytes it announces; checked
    for every byte at once, in chunks that end at a line break (bounded memory)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    found: list[np.ndarray] = []
    start, first_line = 0, 1
    while start < len(raw):
        end = min(start + chunk, len(raw))
        while end < len(raw) and raw[end - 1] != 10:  # finish the line
            ahead = np.flatnonzero(raw[end : end + 65536] == 10)
            end = end + int(ahead[0]) + 1 if len(ahead) else min(end + 65536, len(raw))
        lines, count = _utf8_lines_in(raw[start:end])
        found.append(lines + first_line)
        start, first_line = end, first_line + count
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _utf8_lines_in(raw: np.ndarray) -> tuple[np.ndarray, int]:
    """(0-based UTF-8-looking lines of the chunk, its number of lines)."""
    continuation = (raw >= 0x80) & (raw < 0xC0)
    size = np.zeros(len(raw), dtype=np.int8)  # continuation bytes a lead announces
    size[(raw >= 0xC2) & (raw < 0xE0)] = 1
    size[(raw >= 0xE0) & (raw < 0xF0)] = 2
    size[(raw >= 0xF0) & (raw < 0xF5)] = 3
    expected = np.zeros(len(raw), dtype=bool)
    for shift in (1, 2, 3):
        expected[shift:] |= size[:-shift] >= shift
    bad = (continuation != expected) | (raw == 0xC0) | (raw == 0xC1) | (raw >= 0xF5)
    starts = np.flatnonzero(raw == 10) + 1
    starts = np.concatenate(([0], starts[starts < len(raw)]))  # each line keeps its break
    count = len(starts)
    broken = np.logical_or.reduceat(bad, starts)
    wide = np.logical_or.reduceat(raw >= 0x80, starts)
    return np.flatnonzero(wide & ~broken).astype(np.int64), count
