"""Reading the ledger for a command: config, progress, rejects file, guard against overwrite."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from npl_cli.cli.output import SHEETS_ZH, check_outputs
from npl_cli.config import Settings, load_settings
from npl_cli.errors import UsageError
from npl_cli.export import write_frame
from npl_cli.ledger import Ledger, load_ledger
from npl_cli.progress import QUIET, Progress
from npl_cli.render.console import Messages, progress_bars
from npl_cli.render.workbook import for_people
from npl_cli.text import counted


def workspace_path(flag: Path | None, config: Path | None = None) -> Path:
    """--workspace, then $NPL_WORKSPACE, then [workspace] path in npl.toml, then the default."""
    from npl_cli.store import resolve_path

    settings = load_settings(config)
    return resolve_path(flag, settings.typed.workspace_path)


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
    on_rows: Callable[[pd.DataFrame], None] | None = None,
    lang: str = "en",
    progress: Progress | None = None,
) -> Ledger:
    """The ledger, with what the reader noticed said on stderr; bars on a terminal (the
    caller's `progress`, else their own)."""
    check_outputs(output, inputs=[path], rejects=rejects)
    settings = settings or load_settings(config)
    messages = Messages(lang)
    with ExitStack() as stack:
        bars = progress or stack.enter_context(progress_bars(lang))
        ledger = load_ledger(
            path,
            columns=settings.columns,
            sheet=sheet,
            header_row=header_row,
            encoding=encoding,
            check_ids=check_ids,
            on_rows=on_rows,
            progress=bars,
        )
    if ledger.sheet is not None and not check_ids:  # inspect shows the sheet in its report
        skipped = ", ".join(ledger.skipped_sheets)
        messages.note(
            f"read sheet '{ledger.sheet}'"
            + (f" (hidden sheets skipped: {skipped})" if skipped else ""),
            f"读取工作表“{ledger.sheet}”" + (f"（跳过隐藏工作表：{skipped}）" if skipped else ""),
        )
    if not check_ids and ledger.rows_rejected:
        messages.note(
            f"{ledger.rows_rejected:,} of {ledger.rows_read:,} rows rejected; "
            f"`npl inspect {path}` lists them (or use --rejects FILE)",
            f"{ledger.rows_read:,} 行中剔除 {ledger.rows_rejected:,} 行；`npl inspect {path}` "
            "列出剔除原因（或用 --rejects 文件 导出）",
        )
    unreadable = int((ledger.problems["severity"] == "warning").sum())
    if not check_ids and unreadable:
        messages.note(
            f"{counted(unreadable, 'cell')} could not be read (a date, amount or count) "
            f"and left empty; `npl inspect {path}` lists them by row and column",
            f"{unreadable:,} 个单元格（日期、金额或次数）无法识别，已留空；`npl inspect {path}` "
            "按行列列出",
        )
    if rejects is not None:
        write_rejects(ledger, rejects, lang)
    return ledger


def write_rejects(ledger: Ledger, path: Path, lang: str = "en") -> None:
    """The rejected rows to a .csv (codes) or .xlsx (headers in `lang`) file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"--rejects {path}: give a .csv or .xlsx file name")
    rows = for_people(ledger.rejects, lang) if suffix == ".xlsx" else ledger.rejects
    sheet = SHEETS_ZH["rejects"] if lang == "zh" else "rejects"
    write_frame(rows, suffix[1:], path, sheet=sheet)


def read_source(
    path: Path | None,
    *,
    settings: Settings,
    as_of: pd.Timestamp,
    snapshot: str | None,
    workspace: Path | None,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    output: Path | None = None,
    rejects: Path | None = None,
    wait: float = 30.0,
    lang: str = "en",
    progress: Progress = QUIET,
) -> tuple[Ledger, pd.DataFrame | None]:
    """The loans to work on and their deadline events: a ledger file as given, or (without one)
    the workspace's latest snapshot (or --snapshot DATE) with its action log applied. With a
    file and --workspace, the log is applied to the file's loans too."""
    from npl_cli.cli.common import parse_date_option
    from npl_cli.deadlines.actions import with_actions
    from npl_cli.store import Workspace, resolve_path

    use_workspace = path is None or workspace is not None or snapshot is not None
    if path is not None and snapshot is not None:
        raise UsageError("give a LEDGER file or --snapshot DATE, not both")
    store_path = resolve_path(workspace, settings.typed.workspace_path)
    check_outputs(output, inputs=[path] if path else [], workspace=store_path, rejects=rejects)
    ledger = None
    if path is not None:
        ledger = read_ledger(
            path,
            sheet=sheet,
            header_row=header_row,
            encoding=encoding,
            settings=settings,
            output=output,
            rejects=rejects,
            check_ids=False,
            lang=lang,
            progress=progress,
        )
    if not use_workspace:
        assert ledger is not None
        return ledger, None
    with Workspace.open(store_path, timeout=wait, create=False) as store:
        if ledger is None:
            wanted = parse_date_option(snapshot, "--snapshot") if snapshot else None
            day, frame = store.latest(wanted)
            ledger = Ledger.from_frame(frame, f"{store_path} (snapshot {day:%Y-%m-%d})")
            Messages(lang).say(
                f"using snapshot {day:%Y-%m-%d} from {store_path}",
                f"使用工作区 {store_path} 中 {day:%Y-%m-%d} 的快照",
            )
        actions = store.actions()
    ledger.frame, events = with_actions(ledger.frame, actions, as_of)
    return ledger, events
