"""npl load: a ledger stored in the workspace as the snapshot of the date it is of."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    EncodingOpt,
    HeaderRowOpt,
    LangOpt,
    LedgerArg,
    RejectsOpt,
    SheetOpt,
    TimeoutOpt,
    WorkspaceOpt,
    handle_errors,
    parse_date_option,
    resolve_lang,
)

if TYPE_CHECKING:
    import pandas as pd

    from npl_cli.ledger import Ledger, OwnDate
    from npl_cli.render.console import Messages
    from npl_cli.store import FileHash


@handle_errors
def load(
    ledger: LedgerArg,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The date the ledger is of (YYYY-MM-DD; default: the date its title row or "
            "file name gives, such as 2026年10月末; without either, give it).",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace a snapshot of the same date from another file."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Store a file whose very content is stored already under another date.",
        ),
    ] = False,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
    rejects: RejectsOpt = None,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """Store a ledger in the workspace as the snapshot of the date it is of: --as-of, else
    the date its title row or file name gives. A snapshot's date is never "when it was
    loaded"."""
    from npl_cli.cli.loading import read_ledger, workspace_path
    from npl_cli.cli.output import check_outputs
    from npl_cli.config import load_settings
    from npl_cli.render.console import Messages
    from npl_cli.store import FileHash
    from npl_cli.text import counted

    given = parse_date_option(as_of, "--as-of") if as_of else None
    settings = load_settings(config)
    messages = Messages(resolve_lang(lang, settings.lang))
    path = workspace_path(workspace, config)
    check_outputs(rejects, inputs=[ledger], workspace=path)
    with FileHash(ledger) as content_hash:  # hashed by a child process beside the parse
        held = _dates_holding(path, content_hash, wait)
        if held and (given is None or given in held):
            _say_unchanged(ledger, given or held[0], messages)
            return
        if held and not force:
            _refuse_second_date(ledger, held[0])
        read = partial(read_ledger, ledger, sheet=sheet, header_row=header_row,
                       encoding=encoding, settings=settings, check_ids=False,
                       rejects=rejects, lang=messages.lang)  # fmt: skip
        dated = partial(_snapshot_day, ledger, given, messages=messages)
        loaded, day, outcome = _store(read, dated, path, replace=replace, wait=wait,
                                      hashed=content_hash)  # fmt: skip
    used, rejected, skipped = loaded.rows_used, loaded.rows_rejected, loaded.rows_skipped
    zh_outcome = "已替换" if outcome == "replaced" else "已载入"
    messages.say(
        f"{outcome} snapshot {day:%Y-%m-%d} in {path}: {counted(used, 'loan')} "
        f"(rows read {loaded.rows_read:,} = used {used:,} + rejected {rejected:,} + skipped "
        f"{skipped:,})",
        f"{zh_outcome} {day:%Y-%m-%d} 的快照（{path}）：{used:,} 笔贷款（读入 "
        f"{loaded.rows_read:,} 行 = 采用 {used:,} + 剔除 {rejected:,} + 跳过 {skipped:,}）",
    )


def _snapshot_day(
    ledger: Path, given: pd.Timestamp | None, own: OwnDate | None, *, messages: Messages
) -> pd.Timestamp:
    """The snapshot's date: --as-of (warned about when far from the file's own), else the
    file's own date; with neither, a usage error before anything is stored."""
    from npl_cli.cli.loading import AS_OF_DRIFT_DAYS
    from npl_cli.errors import UsageError
    from npl_cli.messages import said

    if given is not None:
        if own is not None and abs((given - own.day).days) > AS_OF_DRIFT_DAYS:
            gap = abs((given - own.day).days)
            messages.say(
                f"warning: --as-of {given:%Y-%m-%d} is {gap} days from the date the file gives "
                f"({own.day:%Y-%m-%d}: '{own.text}'); check that this is the ledger you mean",
                f"警告：--as-of {given:%Y-%m-%d} 与台账所示日期（{own.day:%Y-%m-%d}："
                f"“{own.text}”）相差 {gap} 天；请确认台账无误",
            )
        return given
    if own is None:
        raise UsageError(
            said(
                f"{ledger}: its title row and file name give no date, so the snapshot would "
                "have none; give --as-of DATE (the date the ledger is of, e.g. 2026-10-31)",
                f"{ledger}：标题行和文件名均无日期，无法确定快照日期；请用 --as-of 指定台账日期"
                "（如 2026-10-31）",
            )
        )
    messages.note(
        f"snapshot date {own.day:%Y-%m-%d}, as the file gives it ('{own.text}')",
        f"快照日期 {own.day:%Y-%m-%d}，取自台账（“{own.text}”）",
    )
    return own.day


def _dates_holding(path: Path, content_hash: FileHash, wait: float) -> list[pd.Timestamp]:
    """The snapshots that hold this very file (by its content), checked before it is parsed."""
    from npl_cli.store import Workspace

    if not path.exists():
        return []
    with Workspace.open(path, timeout=wait) as store:
        return store.snapshots_with_hash(content_hash.result())


def _refuse_second_date(ledger: Path, held: pd.Timestamp) -> None:
    from npl_cli.errors import UsageError
    from npl_cli.messages import said

    raise UsageError(
        said(
            f"{ledger}: this very file is stored already as the snapshot of {held:%Y-%m-%d}; "
            "under a second date the same loans would count twice (in roll rates, trends). "
            f"Give --force to store it anyway, or `npl snapshots drop {held:%Y-%m-%d}` first",
            f"{ledger}：该文件内容已存为 {held:%Y-%m-%d} 的快照；以另一日期再存会重复计算同一批"
            f"贷款。如确需存入请加 --force，或先 `npl snapshots drop {held:%Y-%m-%d}`",
        )
    )


def _store(
    read: Callable[..., Ledger],
    dated: Callable[[OwnDate | None], pd.Timestamp],
    path: Path,
    *,
    replace: bool,
    wait: float,
    hashed: FileHash,
) -> tuple[Ledger, pd.Timestamp, str]:
    """Read the ledger and store it as the snapshot of the day `dated` gives once the file's
    own date is read: the ledger, that day, and 'loaded' or 'replaced'. The store is opened
    once the rows are coerced (a file that cannot be read never touches it), and they are
    inserted while the reader accounts for them."""
    from concurrent.futures import ThreadPoolExecutor  # here, not on the paths a TAB takes

    from npl_cli.store import Workspace
    from npl_cli.store.writer import SnapshotWriter

    writers: list[SnapshotWriter] = []
    days: list[pd.Timestamp] = []
    with ExitStack() as opened, ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(importlib.import_module, "duckdb")  # the store's engine ready when needed

        def on_date(own: OwnDate | None) -> None:
            days.append(dated(own))

        def start_storing(rows: pd.DataFrame) -> None:
            store = opened.enter_context(Workspace.open(path, timeout=wait))
            writers.append(opened.enter_context(store.storing(days[0], replace=replace)))
            writers[0].start(rows)

        loaded = read(on_rows=start_storing, on_date=on_date)
        return loaded, days[0], writers[0].finish(loaded, hashed.result())


def _say_unchanged(ledger: Path, day: pd.Timestamp, messages: Messages) -> None:
    messages.say(
        f"{ledger.name} is already the snapshot of {day:%Y-%m-%d}; nothing changed",
        f"{ledger.name} 已是 {day:%Y-%m-%d} 的快照，未作改动",
    )
