"""Shared fixtures: every test runs in its own folder with no user config or env leaking in."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from npl_cli.cli.app import app

ISOLATED_ENV = ("NPL_CONFIG", "NPL_LANG", "NPL_WORKSPACE", "NPL_DEBUG", "LANG", "LC_ALL")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "250")  # a desk monitor: tables do not fold cells
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture
def run() -> Any:
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return invoke


def write_xlsx(
    path: Path,
    sheets: dict[str, Sequence[Sequence[Any]]],
    merges: dict[str, list[str]] | None = None,
) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    book.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


HEADER = ["借据号", "借款人", "证件号码", "贷款余额", "到期日", "逾期起始日"]
VALID_ID = "11010519491231002X"
VALID_CREDIT = "91110108551385082Q"


def plain_rows(frame: Any, columns: list[str]) -> list[list[Any]]:
    """Rows of `frame` as lists, missing values as None (pandas may hold them as NaN)."""
    part = frame[columns].astype(object)
    return part.where(part.notna(), None).values.tolist()
