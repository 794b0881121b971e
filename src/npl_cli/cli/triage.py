"""npl triage: the prioritised collection worklist."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
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
    RulesOpt,
    SchedulerOpt,
    SheetOpt,
    SnapshotOpt,
    SplitOpt,
    StrictEvidenceOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    resolve_lang,
)

if TYPE_CHECKING:
    import pandas as pd

    from npl_cli.export import Sheet


class By(StrEnum):
    debtor = "debtor"
    loan = "loan"


Many = list[str] | None


@handle_errors
def triage(
    ledger: OptionalLedgerArg = None,
    as_of: AsOfOpt = None,
    officer: OfficerOpt = None,
    branch: BranchOpt = None,
    by: Annotated[By, typer.Option("--by", help="One row per debtor or per loan.")] = By.debtor,
    region: Annotated[
        Many,
        typer.Option(
            "--region", help="Only these regions (repeatable; a part of the name matches)."
        ),
    ] = None,
    customer_type: Annotated[
        Many,
        typer.Option(
            "--customer-type", help="Only these customer groups, e.g. 公司法人 (repeatable)."
        ),
    ] = None,
    product: Annotated[
        Many,
        typer.Option(
            "--product", help="Only debtors with these products, e.g. 信用卡 (repeatable)."
        ),
    ] = None,
    band: Annotated[
        Many,
        typer.Option("--band", help="Only these aging bands, e.g. M3 or m3 (repeatable)."),
    ] = None,
    debtor_type: Annotated[
        Many,
        typer.Option(
            "--type",
            help="Only these debtor types, as codes or words: accidental/偶然型, hardship/困难型, "
            "irresponsible/不负责任型, malicious/不良型, unclassified/待调研 (repeatable).",
        ),
    ] = None,
    min_balance: Annotated[
        str | None,
        typer.Option(
            "--min-balance",
            help="Only rows with at least this balance, in yuan: 100000, 100,000 or 10万.",
        ),
    ] = None,
    include_current: Annotated[
        bool,
        typer.Option(
            "--include-current", help="Also list debtors with nothing overdue and no deadline due."
        ),
    ] = False,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            "-n",
            min=1,
            help="Rows to list (table default 50, or [triage] top; files get "
            "every row unless given).",
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    split_by: SplitOpt = None,
    output_encoding: OutputEncodingOpt = CsvEncoding.utf8_bom,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    config: ConfigOpt = None,
    rules: RulesOpt = None,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
    rejects: RejectsOpt = None,
    snapshot: SnapshotOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    strict_evidence: StrictEvidenceOpt = False,
    engine: EngineOpt = Engine.pandas,
    scheduler: SchedulerOpt = None,
) -> None:
    """The prioritised worklist: aging, five-tier floors, legal deadlines, debtor types by
    rules, lawful tactics and the reasons for each rank."""
    from npl_cli.cli import choices
    from npl_cli.cli.loading import read_source, run_in_parts, streamable
    from npl_cli.cli.output import split_format, write_listing
    from npl_cli.config import load_settings
    from npl_cli.pipeline import TriageFilters
    from npl_cli.pipeline import triage as compute_triage
    from npl_cli.render.books import worklist_book
    from npl_cli.render.console import Messages, progress_bars, stdout_console
    from npl_cli.render.triage import render_triage
    from npl_cli.text import counted

    chosen = split_format(fmt, output) if split_by else file_format(fmt, output)
    settings = load_settings(config, rules)
    language = resolve_lang(lang, settings.lang)
    filters = TriageFilters(
        regions=tuple(region or ()),
        customer_types=tuple(customer_type or ()),
        products=tuple(product or ()),
        bands=choices.bands(band, settings.typed.aging.band_names),
        types=choices.debtor_types(debtor_type),
        min_balance=choices.amount(min_balance, "--min-balance"),
        include_current=include_current,
        officers=tuple(o.strip() for o in officer or ()),
        branches=tuple(b.strip() for b in branch or ()),
    )
    to_screen = chosen is Format.table
    if engine is Engine.dask or streamable(ledger, snapshot, workspace):
        from npl_cli.pipeline import dask_engine, streamed

        on_dask = engine is Engine.dask
        result, loaded, day = run_in_parts(
            (dask_engine if on_dask else streamed).triage, ledger, settings=settings,
            as_of=as_of, on_dask=on_dask, scheduler=scheduler,
            lang=language, snapshot=snapshot, workspace=workspace, sheet=sheet,
            header_row=header_row, encoding=encoding, output=output, rejects=rejects,
            by=by.value, filters=filters, top=None if to_screen else top,
            strict_evidence=strict_evidence,
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
            result = compute_triage(
                loaded,
                settings,
                events=source.events,
                as_of=day,
                by=by.value,
                filters=filters,
                lang=language,
                top=None if to_screen else top,
                strict_evidence=strict_evidence,
                progress=bars,
                survey=source.survey,
                since=source.since,
            )
    messages = Messages(language)
    unit_zh = "户借款人" if by is By.debtor else "笔贷款"
    messages.say(
        f"as of {day:%Y-%m-%d}: {counted(len(result.rows), by.value)} ranked from "
        f"{counted(loaded.rows_used, 'loan')}",
        f"基准日 {day:%Y-%m-%d}：从 {loaded.rows_used:,} 笔贷款中排出 {len(result.rows):,} "
        f"{unit_zh}",
    )
    for note in result.notes:
        messages.note(note)

    def book(rows: pd.DataFrame) -> Mapping[str, Sheet]:
        return worklist_book(result.part(rows), loaded, language)

    if to_screen:  # (with --split-by the format is a file format)
        shown = top or settings.typed.triage_top
        render_triage(result, stdout_console(), lang=language, mask=not no_mask, top=shown)
        return
    write_listing(result.rows, chosen, output, split_by=split_by, sheet="worklist", book=book,
                  csv_encoding=output_encoding.value, messages=messages)  # fmt: skip
