"""npl watch: early warning for performing loans (预判拖欠 · 贷后管理)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    CsvEncoding,
    EncodingOpt,
    Engine,
    EngineOpt,
    Format,
    FormatOpt,
    HeaderRowOpt,
    LangOpt,
    NoMaskOpt,
    OptionalLedgerArg,
    OutputEncodingOpt,
    OutputOpt,
    RulesOpt,
    SchedulerOpt,
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

    from npl_cli.config import Settings
    from npl_cli.pipeline.watch import WatchResult
    from npl_cli.render.console import Messages

HISTORY = 12  # snapshots of history the signals read
CALIBRATE = "calibrate"  # `npl watch calibrate`: the word where a LEDGER would be


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
    rules: RulesOpt = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
    engine: EngineOpt = Engine.pandas,
    scheduler: SchedulerOpt = None,
) -> None:
    """The warning list: performing loans (floor normal or special mention) scored by the
    [[warnings]] rules, with levels, reasons and suggested post-loan actions; from a LEDGER or
    the workspace's latest snapshot (whose history feeds the signals that need earlier months).

    `npl watch calibrate` fits a logistic regression on the back-test's loans (needs
    scikit-learn: pip install 'npl-cli[ml]') and suggests points per rule; `-o FILE.toml`
    writes the rules with them, for `--rules FILE`. It never changes the rules itself."""
    from npl_cli.cli.loading import run_in_parts, streamable, workspace_path
    from npl_cli.cli.output import check_outputs, write_rows
    from npl_cli.config import load_settings
    from npl_cli.errors import UsageError
    from npl_cli.export import write_json_object
    from npl_cli.pipeline.watch import watch_backtest
    from npl_cli.render.console import Messages, stdout_console
    from npl_cli.render.labels import code_label
    from npl_cli.render.watch import render_backtest, render_watch

    settings = load_settings(config, rules)
    language = resolve_lang(lang, settings.lang)
    messages = Messages(language)
    store_path = workspace_path(workspace, config)
    check_outputs(output, inputs=[ledger] if ledger else [], workspace=store_path)
    given = parse_date_option(as_of, "--as-of") if as_of else None
    if ledger is not None and str(ledger) == CALIBRATE and not ledger.exists():
        _calibrate(settings, store_path, wait, horizon, fmt, output, language)
        return
    chosen = file_format(fmt, output)
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
    if engine is Engine.dask or streamable(ledger, None, workspace):
        from npl_cli.pipeline import dask_engine, streamed

        on_dask = engine is Engine.dask
        result, _, day = run_in_parts(
            (dask_engine if on_dask else streamed).watch, ledger, settings=settings,
            as_of=as_of, on_dask=on_dask, scheduler=scheduler,
            lang=language, workspace=workspace, sheet=sheet, header_row=header_row,
            encoding=encoding, output=output, by=by.value,
        )  # fmt: skip
    else:
        result, day = _on_pandas(
            ledger, settings, given, by.value, language, messages, store_path, wait,
            sheet=sheet, header_row=header_row, encoding=encoding, output=output,
        )  # fmt: skip
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


def _on_pandas(
    ledger: Path | None,
    settings: Settings,
    given: pd.Timestamp | None,
    by: str,
    language: str,
    messages: Messages,
    store_path: Path,
    wait: float,
    **read: Any,
) -> tuple[WatchResult, pd.Timestamp]:
    """The warning list of a LEDGER (one date), else of the workspace's latest snapshots."""
    from npl_cli.cli.loading import as_of_for, read_ledger
    from npl_cli.pipeline.watch import watch as score_book
    from npl_cli.render.console import progress_bars

    with progress_bars(language) as bars:
        if ledger is not None:
            loaded = read_ledger(ledger, settings=settings, check_ids=False, lang=language,
                                 progress=bars, **read)  # fmt: skip
            day = as_of_for(given, loaded, messages)
            history = [(day, loaded.frame)]
        else:
            history = _snapshots(store_path, wait, HISTORY)
            day = given or history[-1][0]
        return score_book(history, settings, as_of=day, by=by, lang=language), day


def _calibrate(
    settings: Settings,
    store_path: Path,
    wait: float,
    horizon: int | None,
    fmt: Format,
    output: Path | None,
    language: str,
) -> None:
    """Suggested points on screen or as json; `-o FILE.toml` writes the rules with them."""
    from npl_cli.calibrate import rules_file
    from npl_cli.errors import UsageError
    from npl_cli.export import emit, write_bytes, write_json_object
    from npl_cli.pipeline.watch import watch_calibrate
    from npl_cli.render.console import Messages, stdout_console
    from npl_cli.render.watch import render_calibration

    writes_rules = output is not None and output.suffix.lower() == ".toml"
    chosen = Format.table if writes_rules else file_format(fmt, output)
    if chosen not in (Format.table, Format.json):
        raise UsageError("watch calibrate writes a table, json (-f json) or rules (-o FILE.toml)")
    months = horizon or int(settings.data["watch"]["horizon_months"])
    result = watch_calibrate(_snapshots(store_path, wait, None), settings, horizon=months)
    if writes_rules:
        assert output is not None
        render_calibration(result, stdout_console(), lang=language)
        emit(write_bytes(rules_file(settings.warnings, result).encode()), output)
        Messages(language).say(
            f"wrote {output}: try it with npl watch --backtest --rules {output}",
            f"已写入 {output}；可用 npl watch --backtest --rules {output} 检验",
        )
    elif chosen is Format.table:
        render_calibration(result, stdout_console(), lang=language)
    else:
        write_json_object(result, output)


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
