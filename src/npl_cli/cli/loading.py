"""Reading the ledger for a command: config, progress, rejects file, guard against overwrite."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from npl_cli.cli.output import SHEETS_ZH, check_outputs
from npl_cli.config import Settings, load_settings
from npl_cli.errors import UsageError
from npl_cli.export import write_frame
from npl_cli.ledger import Ledger, OwnDate, load_ledger
from npl_cli.ledger.parts import joined, part_paths, read_part
from npl_cli.messages import said
from npl_cli.progress import QUIET, Progress
from npl_cli.render.console import Messages, progress_bars
from npl_cli.render.workbook import for_people
from npl_cli.text import counted

AS_OF_DRIFT_DAYS = 31  # --as-of further than this from the ledger's own date is warned about


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
    on_date: Callable[[OwnDate | None], None] | None = None,
) -> Ledger:
    """The ledger, with what the reader noticed said on stderr; bars on a terminal (the
    caller's `progress`, else their own)."""
    parts = part_paths(path)
    check_outputs(output, inputs=parts or [path], rejects=rejects)
    settings = settings or load_settings(config)
    with ExitStack() as stack:
        bars = progress or stack.enter_context(progress_bars(lang))
        options: dict[str, Any] = {
            "columns": settings.columns, "sheet": sheet, "header_row": header_row,
            "encoding": encoding, "check_ids": check_ids, "progress": bars,
        }  # fmt: skip
        if parts is None:
            ledger = load_ledger(path, on_rows=on_rows, on_date=on_date, **options)
        else:  # a ledger in parts: read one by one and joined in name order
            ledger = joined([read_part(part, **options) for part in parts], str(path))
            if on_date is not None:
                on_date(ledger.own_date)
            if on_rows is not None:
                on_rows(ledger.frame)
    tell_ledger(ledger, path, check_ids=check_ids, rejects=rejects, lang=lang)
    return ledger


def tell_ledger(
    ledger: Ledger, path: Path, *, check_ids: bool, rejects: Path | None, lang: str
) -> None:
    """What the reader noticed, on stderr, and the rejected rows to --rejects."""
    messages = Messages(lang)
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


def write_rejects(ledger: Ledger, path: Path, lang: str = "en") -> None:
    """The rejected rows to a .csv (codes) or .xlsx (headers in `lang`) file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"--rejects {path}: give a .csv or .xlsx file name")
    rows = for_people(ledger.rejects, lang) if suffix == ".xlsx" else ledger.rejects
    sheet = SHEETS_ZH["rejects"] if lang == "zh" else "rejects"
    write_frame(rows, suffix[1:], path, sheet=sheet)


@dataclass
class Source:
    """The loans a command works on, their deadline events, the day to compute as of, and the
    date the loans are of (the snapshot's, or the date the file names)."""

    ledger: Ledger
    events: pd.DataFrame | None
    as_of: pd.Timestamp
    since: pd.Timestamp | None
    survey: pd.DataFrame | None = None  # each debtor's latest survey answer (the workspace's)


def read_source(
    path: Path | None,
    *,
    settings: Settings,
    as_of: str | None,
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
) -> Source:
    """The loans to work on and their deadline events: a ledger file as given, or (without one)
    the workspace's latest snapshot (or --snapshot DATE) with its action log applied. With a
    file and --workspace, the log is applied to the file's loans too. Without --as-of, a file
    is computed as of the date its title row or name gives (else today)."""
    from npl_cli.cli.common import parse_date_option
    from npl_cli.followup import without_log
    from npl_cli.pipeline.source import apply_log
    from npl_cli.store import Workspace, resolve_path
    from npl_cli.survey import latest_answers

    use_workspace = path is None or workspace is not None or snapshot is not None
    if path is not None and snapshot is not None:
        raise UsageError("give a LEDGER file or --snapshot DATE, not both")
    given = parse_date_option(as_of, "--as-of") if as_of else None
    store_path = resolve_path(workspace, settings.typed.workspace_path)
    check_outputs(output, inputs=[path] if path else [], workspace=store_path, rejects=rejects)
    ledger, since = None, None
    if path is not None:
        ledger = read_ledger(path, sheet=sheet, header_row=header_row, encoding=encoding,
                             settings=settings, output=output, rejects=rejects, check_ids=False,
                             lang=lang, progress=progress)  # fmt: skip
        since = ledger.own_date.day if ledger.own_date else None
    day = given if ledger is None else as_of_for(given, ledger, Messages(lang))
    if not use_workspace:
        assert ledger is not None and day is not None
        return Source(ledger.replace_frame(without_log(ledger.frame)), None, day, since)
    with Workspace.open(store_path, timeout=wait, create=False) as store:
        if ledger is None:
            wanted = parse_date_option(snapshot, "--snapshot") if snapshot else None
            since, frame = store.latest(wanted)
            ledger = Ledger.from_frame(frame, f"{store_path} (snapshot {since:%Y-%m-%d})")
            Messages(lang).say(
                f"using snapshot {since:%Y-%m-%d} from {store_path}",
                f"使用工作区 {store_path} 中 {since:%Y-%m-%d} 的快照",
            )
        actions = store.actions()
        answers = store.survey_answers()
    day = day if day is not None else pd.Timestamp(date.today())
    frame, events = apply_log(ledger.frame, actions, settings, as_of=day, since=since)
    answers = answers[answers["surveyed_on"] <= day]  # as of the day, like the log
    return Source(ledger.replace_frame(frame), events, day, since, latest_answers(answers))


def as_of_for(given: pd.Timestamp | None, ledger: Ledger, messages: Messages) -> pd.Timestamp:
    """--as-of, else the date the ledger's title row or file name gives, else today: said on
    stderr, with a warning when --as-of is more than a month from the ledger's own date."""
    own = ledger.own_date
    where = {"title": ("its title row", "标题行"), "name": ("its file name", "文件名")}
    if given is not None:
        if own is not None and abs((given - own.day).days) > AS_OF_DRIFT_DAYS:
            gap = abs((given - own.day).days)
            en, zh = where[own.where]
            messages.say(
                f"warning: --as-of {given:%Y-%m-%d} is {gap} days from the date {en} gives "
                f"({own.day:%Y-%m-%d}: '{own.text}'); check that this is the ledger you mean",
                f"警告：--as-of {given:%Y-%m-%d} 与台账{zh}所示日期（{own.day:%Y-%m-%d}："
                f"“{own.text}”）相差 {gap} 天；请确认台账无误",
            )
        return given
    if own is not None:
        en, zh = where[own.where]
        messages.note(
            f"as of {own.day:%Y-%m-%d}, the date {en} gives ('{own.text}'); --as-of DATE "
            "to compute as of another day",
            f"基准日取台账{zh}所示日期 {own.day:%Y-%m-%d}（“{own.text}”）；"
            "如需其他日期请用 --as-of",
        )
        return own.day
    today = pd.Timestamp(date.today())
    messages.note(
        f"as of today, {today:%Y-%m-%d}: the ledger gives no date in its title row or file "
        "name; --as-of DATE to compute as of its own day",
        f"台账的标题行和文件名均无日期，基准日取今天 {today:%Y-%m-%d}；可用 --as-of 指定",
    )
    return today


def streamable(path: Path | None, snapshot: str | None, workspace: Path | None) -> bool:
    """Whether LEDGER is parts too big to read whole: the pandas engine then streams them
    (the workspace's log and survey need the whole frame, so they never stream)."""
    from npl_cli.pipeline.streamed import worth_streaming

    if path is None or snapshot is not None or workspace is not None:
        return False
    parts = part_paths(path)
    return parts is not None and worth_streaming(parts)


def run_in_parts(
    job: Callable[..., tuple[Any, Ledger]],
    path: Path | None,
    *,
    settings: Settings,
    as_of: str | None,
    lang: str,
    on_dask: bool = False,
    scheduler: str | None = None,
    snapshot: str | None = None,
    workspace: Path | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    output: Path | None = None,
    rejects: Path | None = None,
    **kwargs: Any,
) -> tuple[Any, Ledger, pd.Timestamp]:
    """`job` (of dask_engine, on the cluster at `scheduler` or a local one; else of
    streamed) on the ledger at `path`, a file or parts; what the reader noticed said as
    read_ledger says it."""
    from npl_cli.cli.common import parse_date_option

    if on_dask and (path is None or snapshot is not None or workspace is not None):
        raise UsageError(
            said(
                "--engine dask reads a LEDGER given as a file, a folder or a quoted glob of "
                "parts; the workspace (--snapshot, --workspace) runs on the pandas engine",
                "--engine dask 只读取台账文件、文件夹或加引号的分片通配符；工作区（--snapshot、"
                "--workspace）请用 pandas 引擎",
            )
        )
    if on_dask and as_of is None:
        raise UsageError(
            said(
                "--engine dask needs --as-of DATE (the parts are read on the workers)",
                "--engine dask 需要 --as-of 日期（分片在各工作进程上读取）",
            )
        )
    assert path is not None
    parts = part_paths(path) or [path]
    check_outputs(output, inputs=parts, rejects=rejects)
    options = {"columns": settings.columns, "sheet": sheet, "header_row": header_row,
               "encoding": encoding, "check_ids": False}  # fmt: skip
    if as_of is not None:
        day = parse_date_option(as_of, "--as-of")
    else:  # the date the first part's title row or name gives, as for a whole ledger
        day = as_of_for(None, read_part(parts[0], **options), Messages(lang))
    if on_dask:
        from npl_cli.pipeline.dask_engine import cluster

        running: Any = cluster(scheduler)
    else:  # streamed: its buckets beside the output, and bars for its parts and buckets
        running = progress_bars(lang)
        kwargs = {**kwargs, "beside": output}
    with running as bars:
        if not on_dask:
            kwargs["progress"] = bars
        result, ledger = job(parts, settings, name=str(path), read_options=options, as_of=day,
                             lang=lang, **kwargs)  # fmt: skip
    tell_ledger(ledger, path, check_ids=False, rejects=rejects, lang=lang)
    return result, ledger, day
