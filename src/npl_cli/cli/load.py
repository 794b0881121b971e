"""npl load: a ledger stored in the workspace as the snapshot of its as-of date."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    AsOfOpt,
    ConfigOpt,
    EncodingOpt,
    HeaderRowOpt,
    LedgerArg,
    RejectsOpt,
    SheetOpt,
    TimeoutOpt,
    WorkspaceOpt,
    handle_errors,
    resolve_as_of,
)

if TYPE_CHECKING:
    import pandas as pd

    from npl_cli.ledger import Ledger
    from npl_cli.store import FileHash


@handle_errors
def load(
    ledger: LedgerArg,
    as_of: AsOfOpt = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace a snapshot of the same date from another file."),
    ] = False,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
    rejects: RejectsOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Store a ledger in the workspace as the snapshot of its as-of date (default today)."""
    from npl_cli.cli.loading import read_ledger, workspace_path
    from npl_cli.cli.output import check_outputs
    from npl_cli.config import load_settings
    from npl_cli.render.console import stderr_console
    from npl_cli.store import FileHash
    from npl_cli.text import counted

    day = resolve_as_of(as_of)
    settings = load_settings(config)
    path = workspace_path(workspace, config)
    check_outputs(rejects, inputs=[ledger], workspace=path)
    with FileHash(ledger) as content_hash:  # hashed by a child process beside the parse
        if _already_held(path, day, content_hash, wait):
            _say_unchanged(ledger, day)
            return
        read = partial(read_ledger, ledger, sheet=sheet, header_row=header_row,
                       encoding=encoding, settings=settings, check_ids=False,
                       rejects=rejects)  # fmt: skip
        loaded, outcome = _store(read, path, day, replace=replace, wait=wait, hashed=content_hash)
    stderr_console().print(
        f"{outcome} snapshot {day:%Y-%m-%d} in {path}: {counted(loaded.rows_used, 'loan')} "
        f"(rows read {loaded.rows_read:,} = used {loaded.rows_used:,} + rejected "
        f"{loaded.rows_rejected:,} + skipped {loaded.rows_skipped:,})",
        markup=False,
    )


def _already_held(path: Path, day: pd.Timestamp, content_hash: FileHash, wait: float) -> bool:
    """Is this very file the snapshot of `day` already? Checked before the ledger is parsed."""
    from npl_cli.store import Workspace

    if not path.exists():
        return False
    with Workspace.open(path, timeout=wait) as store:
        held = store.snapshot_hash(day)
    return held is not None and held == content_hash.result()


def _store(
    read: Callable[..., Ledger],
    path: Path,
    day: pd.Timestamp,
    *,
    replace: bool,
    wait: float,
    hashed: FileHash,
) -> tuple[Ledger, str]:
    """Read the ledger and store it as the snapshot of `day`: the ledger, and 'loaded' or
    'replaced'. The store is opened once the rows are coerced (a file that cannot be read
    never touches it), and they are inserted while the reader accounts for them."""

    from npl_cli.store import Workspace
    from npl_cli.store.writer import SnapshotWriter

    writers: list[SnapshotWriter] = []
    with ExitStack() as opened, ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(importlib.import_module, "duckdb")  # the store's engine ready when needed

        def start_storing(rows: pd.DataFrame) -> None:
            store = opened.enter_context(Workspace.open(path, timeout=wait))
            writers.append(opened.enter_context(store.storing(day, replace=replace)))
            writers[0].start(rows)

        loaded = read(on_rows=start_storing)
        return loaded, writers[0].finish(loaded, hashed.result())


def _say_unchanged(ledger: Path, day: pd.Timestamp) -> None:
    from npl_cli.render.console import stderr_console

    stderr_console().print(
        f"{ledger.name} is already the snapshot of {day:%Y-%m-%d}; nothing changed",
        markup=False,
    )
