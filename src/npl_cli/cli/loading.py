"""Reading the ledger for a command: config, progress, rejects file, guard against overwrite."""

from __future__ import annotations

from pathlib import Path

from npl_cli.cli.common import progress, stderr_console
from npl_cli.config import Settings, load_settings
from npl_cli.errors import UsageError
from npl_cli.export import guard_output, write_frame
from npl_cli.ledger import Ledger, load_ledger


def read_ledger(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    config: Path | None = None,
    settings: Settings | None = None,
    output: Path | None = None,
    rejects: Path | None = None,
    check_ids: bool = True,
) -> Ledger:
    guard_output(output, [path])
    guard_output(rejects, [path])
    settings = settings or load_settings(config)
    with progress(f"Reading {path.name} …"):
        ledger = load_ledger(
            path,
            columns=settings.columns,
            sheet=sheet,
            header_row=header_row,
            encoding=encoding,
            check_ids=check_ids,
        )
    if not check_ids and ledger.rows_rejected:
        stderr_console().print(
            f"note: {ledger.rows_rejected:,} of {ledger.rows_read:,} rows rejected; "
            f"`npl inspect {path}` lists them (or use --rejects FILE)",
            markup=False,
        )
    if rejects is not None:
        write_rejects(ledger, rejects)
    return ledger


def write_rejects(ledger: Ledger, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"--rejects {path}: give a .csv or .xlsx file name")
    write_frame(ledger.rejects, suffix[1:], path, sheet="rejects")
