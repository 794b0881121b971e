"""npl limitation: the legal deadlines due soon, and the expired ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    AsOfOpt,
    BranchOpt,
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
    OfficerOpt,
    OptionalLedgerArg,
    OutputEncodingOpt,
    OutputOpt,
    RejectsOpt,
    SchedulerOpt,
    SheetOpt,
    SnapshotOpt,
    SplitOpt,
    StrictEvidenceOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    parse_date_option,
    resolve_lang,
)

ALERT_EXIT_CODE = 3

if TYPE_CHECKING:
    import pandas as pd

    from npl_cli.export import Sheet


@handle_errors
def limitation(
    ledger: OptionalLedgerArg = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            "-d",
            min=0,
            help="Window: deadlines with at most this many days left are due "
            "(default 90, or [deadlines] window_days).",
        ),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="List every deadline whatever its status.")
    ] = False,
    expired: Annotated[
        bool,
        typer.Option("--expired/--no-expired", help="List the expired deadlines too (default)."),
    ] = True,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only this kind, as a code or words: claim_limitation/诉讼时效, "
            "guarantee_period/保证期间, guarantee_limitation/保证债务诉讼时效, "
            "enforcement/申请执行期间 (repeatable).",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    officer: OfficerOpt = None,
    branch: BranchOpt = None,
    strict_evidence: StrictEvidenceOpt = False,
    exit_code: Annotated[
        bool,
        typer.Option(
            "--exit-code",
            help=f"Exit {ALERT_EXIT_CODE} when anything is due or newly expired (for cron jobs).",
        ),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="With --exit-code: expiries on or after this date are new "
            "(default: 30 days before the as-of date).",
        ),
    ] = None,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            "-n",
            min=1,
            help="Deadlines to list on screen, nearest first (default 100, or [deadlines] top); "
            "files get every row.",
        ),
    ] = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    split_by: SplitOpt = None,
    output_encoding: OutputEncodingOpt = CsvEncoding.utf8_bom,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    config: ConfigOpt = None,
    rejects: RejectsOpt = None,
    snapshot: SnapshotOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    engine: EngineOpt = Engine.pandas,
    scheduler: SchedulerOpt = None,
) -> None:
    """Legal deadlines due within --days and the expired ones, nearest first: claim limitation,
    guarantee period, guarantor limitation, enforcement."""
    from npl_cli.cli import choices
    from npl_cli.cli.loading import read_source, run_in_parts, streamable
    from npl_cli.cli.output import split_format, write_listing
    from npl_cli.config import load_settings
    from npl_cli.pipeline import limitation as compute_limitation
    from npl_cli.render.books import deadlines_book
    from npl_cli.render.console import Messages, progress_bars, stdout_console
    from npl_cli.render.labels import code_label
    from npl_cli.render.limitation import render_limitation

    chosen = split_format(fmt, output) if split_by else file_format(fmt, output)
    since_day = parse_date_option(since, "--since") if since else None
    settings = load_settings(config)
    language = resolve_lang(lang, settings.lang)
    kinds = list(choices.deadline_kinds(kind))  # checked before any work
    officers, branches = [o.strip() for o in officer or ()], [b.strip() for b in branch or ()]
    if engine is Engine.dask or streamable(ledger, snapshot, workspace):
        from npl_cli.pipeline import dask_engine, streamed

        on_dask = engine is Engine.dask
        result, loaded, day = run_in_parts(
            (dask_engine if on_dask else streamed).limitation, ledger, settings=settings,
            as_of=as_of, on_dask=on_dask, scheduler=scheduler,
            lang=language, snapshot=snapshot, workspace=workspace, sheet=sheet,
            header_row=header_row, encoding=encoding, output=output, rejects=rejects,
            days=days, everything=everything, expired=expired, kinds=kinds, officers=officers,
            branches=branches, strict_evidence=strict_evidence, since=since_day,
        )  # fmt: skip
    else:
        with progress_bars(language) as bars:
            source = read_source(
                ledger,
                settings=settings,
                as_of=as_of,
                snapshot=snapshot,
                workspace=workspace,
                wait=wait,
                sheet=sheet,
                header_row=header_row,
                encoding=encoding,
                output=output,
                rejects=rejects,
                lang=language,
                progress=bars,
            )
            loaded, day = source.ledger, source.as_of
            result = compute_limitation(
                loaded,
                settings,
                lang=language,
                events=source.events,
                as_of=day,
                days=days,
                everything=everything,
                expired=expired,
                kinds=kinds,
                officers=officers,
                branches=branches,
                strict_evidence=strict_evidence,
                since=since_day,
                progress=bars,
            )
    messages = Messages(language)
    messages.say(
        f"as of {day:%Y-%m-%d}: "
        + ", ".join(f"{count:,} {status}" for status, count in result.counts.items()),
        f"基准日 {day:%Y-%m-%d}："
        + "，".join(
            f"{code_label(status, 'zh')} {count:,}" for status, count in result.counts.items()
        ),
    )
    for note in result.notes:
        messages.note(note)

    def book(rows: pd.DataFrame) -> Mapping[str, Sheet]:
        part = replace(result, rows=rows)
        return deadlines_book(part, loaded, language, whole=rows is result.rows)

    if chosen is Format.table:  # (with --split-by the format is a file format)
        shown = top or settings.typed.deadlines.top
        render_limitation(
            result,
            stdout_console(),
            lang=language,
            mask=not no_mask,
            top=shown,
        )
    else:
        write_listing(result.rows, chosen, output, split_by=split_by, sheet="deadlines",
                      book=book, csv_encoding=output_encoding.value, messages=messages)  # fmt: skip
    if exit_code and result.alert:
        raise typer.Exit(ALERT_EXIT_CODE)
