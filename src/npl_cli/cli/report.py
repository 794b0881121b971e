"""npl report: the portfolio measured the way the regulator does, for management."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    EncodingOpt,
    Format,
    HeaderRowOpt,
    LangOpt,
    OptionalLedgerArg,
    OutputOpt,
    RecordFormat,
    SheetOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    parse_date_option,
    resolve_lang,
)

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd


@handle_errors
def report(
    ledger: OptionalLedgerArg = None,
    start: Annotated[
        str | None, typer.Option("--from", help="The period's first snapshot (a date).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="The period's last snapshot (default: the latest).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="With a LEDGER: its date (default: its title row or name)."),
    ] = None,
    fmt: Annotated[
        RecordFormat,
        typer.Option("--format", "-f", help="table, json, or xlsx (a sheet per section, charts)."),
    ] = RecordFormat.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Portfolio measures (风险度量 · 总结): size and quality on the ledger's class and the
    overdue floor, NPL ratios, breakdowns, migration rates and the class matrix, provisions,
    collection results, the trend and roll rates; from a LEDGER (one date) or the workspace
    (default: the latest two snapshots)."""
    from npl_cli.cli.loading import as_of_for, read_ledger, workspace_path
    from npl_cli.cli.output import check_outputs
    from npl_cli.config import load_settings
    from npl_cli.export import write_book, write_json_object
    from npl_cli.pipeline.report import report as measure
    from npl_cli.render.console import Messages, progress_bars, stdout_console
    from npl_cli.render.report import render_report, report_book

    chosen = file_format(fmt, output)
    settings = load_settings(config)
    language = resolve_lang(lang, settings.lang)
    messages = Messages(language)
    store_path = workspace_path(workspace, config)
    check_outputs(output, inputs=[ledger] if ledger else [], workspace=store_path)
    with progress_bars(language) as bars:
        if ledger is not None:
            loaded = read_ledger(ledger, sheet=sheet, header_row=header_row, encoding=encoding,
                                 settings=settings, output=output, check_ids=False,
                                 lang=language, progress=bars)  # fmt: skip
            given = parse_date_option(as_of, "--as-of") if as_of else None
            day = as_of_for(given, loaded, messages)
            result = measure([(day, loaded.frame)], settings)
        else:
            period, trend, actions = _from_workspace(store_path, start, end, wait)
            result = measure(period, settings, actions=actions, trend=trend)
    for note in result.notes:
        messages.note(note)
    if chosen is Format.json:
        write_json_object({**result.payload, "notes": [str(n) for n in result.notes]}, output)
    elif chosen is Format.xlsx and output is not None:
        with progress_bars(language) as bars:
            write_book(report_book(result, language), output, bars)
        messages.say(f"wrote {output}", f"已写入 {output}")
    else:
        render_report(result, stdout_console(), lang=language)


def _from_workspace(
    path: Path, start: str | None, end: str | None, wait: float
) -> tuple[list[tuple[pd.Timestamp, pd.DataFrame]], list[tuple[pd.Timestamp, pd.DataFrame]],
           pd.DataFrame]:  # fmt: skip
    """The period's snapshots (the first and the last), every snapshot up to its end for the
    trend, and the action log."""
    import pandas as pd

    from npl_cli.errors import UsageError
    from npl_cli.store import Workspace

    with Workspace.open(path, timeout=wait, create=False) as store:
        days = [pd.Timestamp(d) for d in store.snapshots()["as_of"]]
        if not days:
            raise UsageError("no snapshot yet; `npl load LEDGER` stores one")
        last = parse_date_option(end, "--to") if end else days[-1]
        if last not in days:
            raise UsageError(f"--to {last:%Y-%m-%d}: no such snapshot; `npl snapshots` lists them")
        earlier = [d for d in days if d < last]
        first = parse_date_option(start, "--from") if start else (earlier[-1] if earlier else last)
        if first not in days:
            raise UsageError(
                f"--from {first:%Y-%m-%d}: no such snapshot; `npl snapshots` lists them"
            )
        if first > last:
            raise UsageError("--from must be an earlier snapshot than --to")
        frames = {day: store.latest(day)[1] for day in days if day <= last}
        actions = store.actions()
    period = [(first, frames[first])] + ([(last, frames[last])] if last != first else [])
    return period, list(frames.items()), actions
