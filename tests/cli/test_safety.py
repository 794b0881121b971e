"""Hardening: nothing overwritten that was not asked for, nothing leaked, one line and exit 2
for every bad target — each reproduction of the hardening issue as a fixture."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv

HEADER = ["借据号", "借款人", "贷款余额", "到期日"]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ws.duckdb"
    monkeypatch.setenv("NPL_WORKSPACE", str(path))
    return path


@pytest.fixture
def loaded(tmp_path: Path, run: Any, workspace: Path) -> Path:
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])
    assert run("load", "l.csv", "--as-of", "2026-10-31").exit_code == 0
    return workspace


def error_line(result: Any) -> str:
    """The one error line, which ends stderr (notes may come before it)."""
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("npl: error:")]
    assert errors == lines[-1:], result.stderr
    return lines[-1]


@pytest.mark.parametrize(
    "args",
    [
        ["rolls", "-f", "csv", "-o", "ws.duckdb"],
        ["limitation", "-f", "csv", "-o", "ws.duckdb"],
        ["triage", "-f", "csv", "-o", "ws.duckdb"],
        ["history", "L1", "-f", "json", "-o", "ws.duckdb"],
        ["triage", "l.csv", "-w", "ws.duckdb", "-f", "csv", "-o", "ws.duckdb"],
    ],
)
def test_output_onto_the_workspace_is_refused(run: Any, loaded: Path, args: list[str]) -> None:
    before = loaded.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert error_line(result) == (
        "npl: error: ws.duckdb: refusing to overwrite the workspace; choose another -o path"
    )
    assert loaded.read_bytes() == before


def test_output_equal_to_rejects_is_refused(tmp_path: Path, run: Any) -> None:
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])
    result = run("triage", "l.csv", "-o", "r.csv", "--rejects", "r.csv")
    assert result.exit_code == 2
    assert error_line(result) == (
        "npl: error: r.csv: refusing to overwrite the --rejects file; choose another -o path"
    )
    assert not (tmp_path / "r.csv").exists()


def test_a_pipe_is_refused_and_left_a_pipe(tmp_path: Path, run: Any) -> None:
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])
    os.mkfifo(tmp_path / "fifo")
    result = run("limitation", "l.csv", "-f", "csv", "-o", "fifo")
    assert result.exit_code == 2
    assert error_line(result) == (
        "npl: error: fifo: is not a regular file (a device or pipe); choose a file"
    )
    assert (tmp_path / "fifo").is_fifo()


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path, run: Any) -> None:
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])
    (tmp_path / "target.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("target.csv")
    result = run("limitation", "l.csv", "--as-of", "2026-11-30", "-f", "csv", "-o", "link.csv")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "link.csv").is_symlink()
    rows = list(csv.reader(io.StringIO((tmp_path / "target.csv").read_text("utf-8-sig"))))
    assert [row[0] for row in rows] == ["loan_id", "L1"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (".", ".: is a folder; give a file name to write to"),
        ("", ".: is a folder; give a file name to write to"),
        ("l.csv/x.csv", "l.csv/x.csv: {tmp}/l.csv is a file, not a folder; fix the path"),
    ],
)
def test_bad_targets_are_one_line_before_any_work(
    tmp_path: Path, run: Any, target: str, message: str
) -> None:
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])
    result = run("triage", "l.csv", "-f", "csv", "-o", target)
    assert result.exit_code == 2
    assert error_line(result) == "npl: error: " + message.format(tmp=tmp_path)


def test_a_read_only_folder_is_refused(tmp_path: Path, run: Any) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write in a read-only folder")
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])
    (tmp_path / "ro").mkdir(mode=0o555)
    result = run("triage", "l.csv", "-f", "csv", "-o", "ro/x.csv")
    assert result.exit_code == 2
    assert "cannot write in" in error_line(result)


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk (ENOSPC on the final rename) is one line, exit 2, and no .tmp remains."""
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])

    def full(source: Any, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    result = run("triage", "l.csv", "-f", "xlsx", "-o", "out.xlsx")
    assert result.exit_code == 2
    assert error_line(result).startswith(
        f"npl: error: {tmp_path}/out.xlsx: cannot write (No space left on device)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.csv"]


def test_xlsx_temporary_files_stay_beside_the_target(
    tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook writer spills into the target's folder, never the system temp folder
    (where a killed run would leave the whole worklist, names and IDs)."""
    import xlsxwriter

    seen: list[str] = []
    original = xlsxwriter.Workbook.__init__

    def spy(self: Any, filename: Any, options: Any = None) -> None:
        seen.append((options or {}).get("tmpdir", "<system temp>"))
        original(self, filename, options)

    monkeypatch.setattr(xlsxwriter.Workbook, "__init__", spy)
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "1000", "2024-01-01"]])
    (tmp_path / "out").mkdir()
    assert run("triage", "l.csv", "-o", "out/w.xlsx").exit_code == 0
    assert [Path(folder).parent for folder in seen] == [tmp_path / "out"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["w.xlsx"]


def test_workspace_csv_export_neutralises_formulas(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "=cmd|' /C calc'!A0", "1000", "2024-01-01"]])
    assert run("load", "l.csv", "--as-of", "2026-10-31").exit_code == 0
    assert (
        run("action", "add", "L1", "note", "--date", "2026-11-01", "--note", "@SUM(1)").exit_code
        == 0
    )
    assert run("workspace", "export", "out", "-f", "csv").exit_code == 0
    loans = list(csv.DictReader(io.StringIO((tmp_path / "out" / "loans.csv").read_text())))
    actions = list(csv.DictReader(io.StringIO((tmp_path / "out" / "actions.csv").read_text())))
    assert loans[0]["debtor_name"] == "'=cmd|' /C calc'!A0"
    assert actions[0]["note"] == "'@SUM(1)"


def test_a_sqlite_file_is_not_a_workspace_and_nothing_is_fetched(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    sqlite3.connect(workspace).execute("CREATE TABLE t (x)").connection.commit()
    result = run("snapshots")
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith(f"npl: error: {workspace}: not a workspace npl can open (")


def test_a_truncated_workspace_is_one_line(tmp_path: Path, run: Any, loaded: Path) -> None:
    data = loaded.read_bytes()
    loaded.write_bytes(data[: len(data) // 3])
    result = run("snapshots")
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith(f"npl: error: {loaded}: the workspace cannot be read (")
    assert line.endswith("); restore it from a backup, or `npl workspace export` what is readable")


def test_a_read_only_workspace_can_be_read(tmp_path: Path, run: Any, loaded: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write a read-only file")
    loaded.chmod(0o444)
    result = run("snapshots")
    assert result.exit_code == 0, result.stderr
    assert "2026-10-31" in result.stdout


def test_sigterm_mid_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """A kill the process can catch (SIGTERM, as a scheduler sends) removes the half-written
    temporary file, which would hold names and ID numbers."""
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "npl_cli", "sample", "--rows", "400000", "-o", "big.xlsx"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and process.poll() is None, "no temporary file seen"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    assert process.returncode != 0, errors
    assert sorted(p.name for p in tmp_path.iterdir()) == []
