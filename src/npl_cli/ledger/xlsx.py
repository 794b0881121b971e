"""What the cell reader does not say about an .xlsx workbook, read from its XML parts: which
sheets are hidden, how large each sheet claims to be (a stray cell at XFD1048576 would make the
reader allocate for 17 billion cells), merged ranges, and cells that hold an Excel error or a
formula with no saved value (both read as empty). Only what is needed is read, as bytes."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import unescape

from npl_cli.errors import InputError

MAX_CELLS = 200_000_000  # a sheet claiming more than this, and more than its XML could hold
_SHEET = re.compile(rb"<sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb"<Relationship\b[^>]*>")
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)?<v>([^<]*)</v>'
)
_UNSAVED_FORMULA = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>/]*>(?:<f[^>]*>[^<]*</f>|<f[^>]*/>)(?:<v\s*/>|<v></v>)?</c>'
)


@dataclass
class SheetPart:
    name: str
    part: str  # the sheet's XML part in the archive
    hidden: bool


@dataclass
class SheetNotes:
    """Merged ranges (first row, first col, last row, last col; 1-based rows, 0-based columns)
    and per-cell notes ((row, col) -> what the cell really holds)."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    cells: dict[tuple[int, int], str] = field(default_factory=dict)


def column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (letter - 64)
    return index - 1


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode(): unescape(v.decode("utf-8")) for k, v in _ATTR.findall(tag)}


def sheet_parts(path: Path) -> list[SheetPart] | None:
    """The sheets in workbook order with their XML parts; None when `path` is no .xlsx zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    targets = {}
    for tag in _REL.findall(rels):
        attrs = _attrs(tag)
        target = attrs.get("Target", "").lstrip("/")
        targets[attrs.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
    out = []
    for tag in _SHEET.findall(workbook):
        attrs = _attrs(tag)
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        state = attrs.get("state", "visible")
        out.append(SheetPart(attrs.get("name", ""), targets.get(rid, ""), state != "visible"))
    return out


def check_size(path: Path, parts: list[SheetPart]) -> None:
    """Refuse a sheet whose declared size is absurd for the data it holds, before the cell
    reader tries to allocate for it."""
    with zipfile.ZipFile(path) as archive:
        for sheet in parts:
            try:
                info = archive.getinfo(sheet.part)
                with archive.open(info) as stream:
                    head = stream.read(4096)
            except (KeyError, OSError, zipfile.BadZipFile):
                continue
            found = _DIMENSION.search(head)
            if not found or not found[3]:
                continue
            rows = int(found[4]) - int(found[2]) + 1
            columns = column_index(found[3]) - column_index(found[1]) + 1
            if rows * columns > max(MAX_CELLS, info.file_size):
                last = f"{found[3].decode()}{found[4].decode()}"
                raise InputError(
                    f"{path}: sheet '{sheet.name}' reaches cell {last} ({rows:,} rows × "
                    f"{columns:,} columns) though it holds far less: a stray cell far from the "
                    "data. In Excel, delete the rows and columns after the data (Ctrl+End "
                    "shows the last cell), save, and read it again"
                )


def sheet_notes(path: Path, part: str) -> SheetNotes:
    """Merged ranges and cells holding an Excel error or a formula without a saved value. The
    XML is scanned only for what it contains (a quick search first)."""
    notes = SheetNotes()
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(part)
    except (KeyError, OSError, zipfile.BadZipFile):
        return notes
    if b"<mergeCell " in xml:
        notes.merged = [
            (int(r1), column_index(c1), int(r2), column_index(c2))
            for c1, r1, c2, r2 in _MERGE.findall(xml)
        ]
    if b't="e"' in xml:
        for letters, row, value in _ERROR_CELL.findall(xml):
            notes.cells[(int(row), column_index(letters))] = (
                f"Excel error {value.decode('utf-8', 'replace')} in the cell; fix it in Excel"
            )
    if b"<f" in xml:
        for letters, row in _UNSAVED_FORMULA.findall(xml):
            notes.cells[(int(row), column_index(letters))] = (
                "a formula with no saved value; open the file in Excel and save it again"
            )
    return notes
