"""npl watch: early warning for performing loans (预判拖欠 · 贷后管理)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    CsvEncoding,
    EncodingOpt,
    Format,
    FormatOpt,
    HeaderRowOpt,
    LangOpt,
    NoMaskOpt,
    OptionalLedgerArg,
    OutputEncodingOpt,
    OutputOpt,
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

HISTORY = 12  # snapshots of history the signals read


class WatchBy(StrEnum):
    loan = "loan"
    debtor = "debtor"


@handle_errors
def watch(
    ledger: OptionalLedgerArg = None,
    by: Annotated[WatchBy, typer.Option("--by", help="One row per loan or per debtor.")] = (
        WatchBy.loan
    ),
    backtest: Annotated[
        bool,
        typer.Option(
            "--backtest",
            help="Walk the workspace's snapshots: score each month's performing loans and "
            "report how well the rules predicted the next months (lift, recall, AUC, per rule).",
        ),
    ] = False,
    horizon: Annotated[
        int | None,
        typer.Option(
            "--horizon", min=1, help="Months ahead a back-test looks ([watch] horizon_months)."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Score as of this date (default: the ledger's own, or today)."
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Rows on screen.")] = 50,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    output_encoding: OutputEncodingOpt = CsvEncoding.utf8_bom,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """The warning list: performing loans (floor normal or special mention) scored by the
    [[warnings]] rules, with levels, reasons and suggested post-loan actions; from a LEDGER or
    the workspace's latest snapshot (whose history feeds the signals that need earlier months)."""
    from npl_cli.cli.loading import as_of_for, read_ledger, workspace_path
    from npl_cli.cli.output import check_outputs, write_rows
    from npl_cli.config import load_settings
    from npl_cli.errors import UsageError
    from npl_cli.export import write_json_object
    from npl_cli.pipeline.watch import watch as score_book
    from npl_cli.pipeline.watch import watch_backtest
    from npl_cli.render.console import Messages, progress_bars, stdout_console
    from npl_cli.render.labels import code_label
    from npl_cli.render.watch import render_backtest, render_watch

    chosen = file_format(fmt, output)
    settings = load_settings(config)
    language = resolve_lang(lang, settings.lang)
    messages = Messages(language)
    store_path = workspace_path(workspace, config)
    check_outputs(output, inputs=[ledger] if ledger else [], workspace=store_path)
    given = parse_date_option(as_of, "--as-of") if as_of else None
    if backtest:
        if chosen not in (Format.table, Format.json):
            raise UsageError("--backtest writes a table or json (-f json)")
        months = horizon or int(settings.data["watch"]["horizon_months"])
        history = _snapshots(store_path, wait, None)
        tested = watch_backtest(history, settings, horizon=months)
        if chosen is Format.table:
            render_backtest(tested, stdout_console(), lang=language)
        else:
            write_json_object(tested, output)
        return
    with progress_bars(language) as bars:
        if ledger is not None:
            loaded = read_ledger(
                ledger,
                sheet=sheet,
                header_row=header_row,
                encoding=encoding,
                settings=settings,
                output=output,
                check_ids=False,
                lang=language,
                progress=bars,
            )
            day = as_of_for(given, loaded, messages)
            history = [(day, loaded.frame)]
        else:
            history = _snapshots(store_path, wait, HISTORY)
            day = given or history[-1][0]
        result = score_book(history, settings, as_of=day, by=by.value, lang=language)
    counts = ", ".join(f"{n:,} {level}" for level, n in result.counts.items())
    messages.say(
        f"as of {day:%Y-%m-%d}: {result.scored:,} performing loans scored: {counts}",
        f"基准日 {day:%Y-%m-%d}：评分正常类和关注类贷款 {result.scored:,} 笔："
        + "，".join(f"{code_label(k, 'zh')} {n:,}" for k, n in result.counts.items()),
    )
    if chosen is Format.table:
        render_watch(result, stdout_console(), lang=language, mask=not no_mask, top=top)
    else:
        write_rows(
            result.rows,
            chosen,
            output,
            sheet="watch",
            lang=language,
            csv_encoding=output_encoding.value,
        )


def _snapshots(
    path: Path, wait: float, last: int | None
) -> list[tuple[pd.Timestamp, pd.DataFrame]]:
    """The workspace's snapshots, oldest first (the `last` ones when given)."""
    import pandas as pd

    from npl_cli.errors import UsageError
    from npl_cli.store import Workspace

    with Workspace.open(path, timeout=wait, create=False) as store:
        days = [pd.Timestamp(d) for d in store.snapshots()["as_of"]]
        if not days:
            raise UsageError("no snapshot yet; `npl load LEDGER` stores one")
        chosen = days[-last:] if last else days
        return [(day, store.latest(day)[1]) for day in chosen]
