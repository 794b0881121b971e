"""npl survey plan|forms|import and npl visits: the survey loop and the field-visit plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    AsOfOpt,
    BranchOpt,
    ConfigOpt,
    CsvEncoding,
    EncodingOpt,
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
    SheetOpt,
    SnapshotOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    resolve_lang,
)

if TYPE_CHECKING:
    from npl_cli.cli.loading import Source
    from npl_cli.config import Settings
    from npl_cli.pipeline import TriageFilters
    from npl_cli.pipeline.survey import SurveyPlan

survey_app = typer.Typer(
    help="The survey loop (调研流程): plan whom to survey, write the forms, import the answers.",
    no_args_is_help=True,
)
Many = list[str] | None
RegionOpt = Annotated[
    Many, typer.Option("--region", help="Only these regions (repeatable; a part matches).")
]
CustomerTypeOpt = Annotated[
    Many, typer.Option("--customer-type", help="Only these customer groups, e.g. 小微商户.")
]
BandOpt = Annotated[Many, typer.Option("--band", help="Only these aging bands, e.g. M3.")]
PerOfficerOpt = Annotated[
    int | None,
    typer.Option("--per-officer", min=1, help="Debtors per officer ([survey] per_officer)."),
]


def _filters(
    settings: Settings,
    region: Many,
    customer_type: Many,
    band: Many,
    officer: Many,
    branch: Many,
) -> TriageFilters:
    from npl_cli.cli import choices
    from npl_cli.pipeline import TriageFilters

    return TriageFilters(
        regions=tuple(region or ()),
        customer_types=tuple(customer_type or ()),
        bands=choices.bands(band, settings.typed.aging.band_names),
        officers=tuple(o.strip() for o in officer or ()),
        branches=tuple(b.strip() for b in branch or ()),
    )


def _source(
    ledger: Path | None,
    settings: Settings,
    *,
    as_of: str | None,
    snapshot: str | None,
    workspace: Path | None,
    wait: float,
    output: Path | None,
    language: str,
    sheet: str | None,
    header_row: int | None,
    encoding: str | None,
) -> Source:
    from npl_cli.cli.loading import read_source
    from npl_cli.render.console import progress_bars

    with progress_bars(language) as bars:
        return read_source(ledger, settings=settings, as_of=as_of, snapshot=snapshot,
                           workspace=workspace, wait=wait, sheet=sheet, header_row=header_row,
                           encoding=encoding, output=output, lang=language,
                           progress=bars)  # fmt: skip


def _plan(
    source: Source,
    settings: Settings,
    filters: TriageFilters,
    per_officer: int | None,
    language: str,
) -> SurveyPlan:
    from npl_cli.pipeline.survey import survey_plan

    return survey_plan(
        source.ledger,
        settings,
        as_of=source.as_of,
        filters=filters,
        per_officer=per_officer or int(settings.data["survey"]["per_officer"]),
        events=source.events,
        survey=source.survey,
        since=source.since,
        lang=language,
    )


@survey_app.command("plan")
@handle_errors
def plan(
    ledger: OptionalLedgerArg = None,
    per_officer: PerOfficerOpt = None,
    region: RegionOpt = None,
    customer_type: CustomerTypeOpt = None,
    band: BandOpt = None,
    officer: OfficerOpt = None,
    branch: BranchOpt = None,
    as_of: AsOfOpt = None,
    top: Annotated[int, typer.Option("--top", "-n", min=1, help="Selected rows on screen.")] = 30,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    config: ConfigOpt = None,
    rules: RulesOpt = None,
    snapshot: SnapshotOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """The survey's six steps as one report: regions ranked by overdue debtors and balance,
    clustered or scattered; customer groups; how many per officer; their aging and expired
    claims; minority customers; and whom to survey (unclassified first, by priority)."""
    from npl_cli.config import load_settings
    from npl_cli.errors import UsageError
    from npl_cli.export import write_book, write_json_object
    from npl_cli.render.console import stdout_console
    from npl_cli.render.survey import plan_book, plan_json, render_plan

    chosen = file_format(fmt, output)
    if chosen in (Format.csv, Format.jsonl):
        raise UsageError("survey plan writes a table, json or xlsx (-o FILE.xlsx)")
    settings = load_settings(config, rules)
    language = resolve_lang(lang, settings.lang)
    source = _source(ledger, settings, as_of=as_of, snapshot=snapshot, workspace=workspace,
                     wait=wait, output=output, language=language, sheet=sheet,
                     header_row=header_row, encoding=encoding)  # fmt: skip
    filters = _filters(settings, region, customer_type, band, officer, branch)
    made = _plan(source, settings, filters, per_officer, language)
    if chosen is Format.table:
        render_plan(made, stdout_console(), lang=language, mask=not no_mask, top=top)
    elif chosen is Format.json:
        write_json_object(plan_json(made), output)
    else:
        assert output is not None
        write_book(plan_book(made, language), output)


@survey_app.command("forms")
@handle_errors
def forms(
    ledger: OptionalLedgerArg = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the forms, one per officer.")
    ] = Path("调研表"),
    per_officer: PerOfficerOpt = None,
    region: RegionOpt = None,
    customer_type: CustomerTypeOpt = None,
    band: BandOpt = None,
    officer: OfficerOpt = None,
    branch: BranchOpt = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    config: ConfigOpt = None,
    rules: RulesOpt = None,
    snapshot: SnapshotOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Write the survey forms of the plan (same options): one xlsx per officer in -o DIR, a
    row per selected debtor with what the bank knows (not masked: the officer's own file,
    locked), answer columns with drop-downs, a hidden key, and instructions in Chinese."""
    from npl_cli.cli.output import safe_name
    from npl_cli.config import load_settings
    from npl_cli.errors import UsageError
    from npl_cli.render.console import Messages
    from npl_cli.render.forms import write_forms

    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}: forms go into a folder; name a folder, not a file")
    settings = load_settings(config, rules)
    language = resolve_lang(lang, settings.lang)
    source = _source(ledger, settings, as_of=as_of, snapshot=snapshot, workspace=workspace,
                     wait=wait, output=None, language=language, sheet=sheet,
                     header_row=header_row, encoding=encoding)  # fmt: skip
    filters = _filters(settings, region, customer_type, band, officer, branch)
    made = _plan(source, settings, filters, per_officer, language)
    messages = Messages(language)
    if made.selected.empty:
        messages.say(
            "no overdue debtor to survey: no form written", "没有需要调研的逾期借款人，未生成调研表"
        )
        return
    for name, count, path in write_forms(made, output, lambda v: safe_name(v, language)):
        messages.say(f"wrote {path}: {count:,} debtors of {name or 'no officer'}",
                     f"已写入 {path}：{name or '未分配'} 的 {count:,} 户")  # fmt: skip


@survey_app.command("import")
@handle_errors
def import_answers(
    files: Annotated[list[Path], typer.Argument(help="Filled survey forms (.xlsx).")],
    rejects: RejectsOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    lang: LangOpt = None,
) -> None:
    """Bring the answers back: every answer checked against its drop-down (bad rows rejected
    with row, column, value and the allowed values), stored with date and surveyor (history
    kept; the same file again adds nothing). The rules then read them: the type follows."""
    import pandas as pd

    from npl_cli.cli.loading import workspace_path
    from npl_cli.cli.output import check_outputs
    from npl_cli.errors import UsageError
    from npl_cli.export import write_frame
    from npl_cli.ledger.forms import read_form
    from npl_cli.render.console import Messages
    from npl_cli.store import Workspace

    store_path = workspace_path(workspace)
    check_outputs(rejects, inputs=list(files), workspace=store_path)
    if rejects is not None and rejects.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"--rejects {rejects}: give a .csv or .xlsx file name")
    language = resolve_lang(lang, "")
    messages = Messages(language)
    checked = [
        (path, read_form(path, language)) for path in files
    ]  # every file read before storing
    problems = []
    with Workspace.open(store_path, timeout=wait) as store:
        for path, read in checked:
            added, known = store.add_survey(read.answers, source=path.name)
            used = len(read.answers)
            messages.say(
                f"{path.name}: rows read {read.rows_read:,} = answered {used:,} + rejected "
                f"{read.rejected:,} + not surveyed {read.skipped:,}; answers added {added:,}, "
                f"already recorded {known:,}",
                f"{path.name}：读入 {read.rows_read:,} 行 = 有效答案 {used:,} + 剔除 "
                f"{read.rejected:,} + 未调查 {read.skipped:,}；新增 {added:,} 条，"
                f"已有 {known:,} 条",
            )
            for row in read.rejects.head(20).itertuples(index=False):
                messages.say(
                    f"  row {row.source_row}, column {row.column}: '{row.value}': {row.reason}",
                    f"  第 {row.source_row} 行“{row.column}”列：“{row.value}”：{row.reason}",
                )
            problems.append(read.rejects)
    if rejects is not None:
        table = pd.concat(problems, ignore_index=True)
        write_frame(table, rejects.suffix.lower()[1:], rejects, sheet="rejects")
        messages.say(f"wrote {len(table):,} rejected answers to {rejects}",
                     f"已将 {len(table):,} 条剔除记录写入 {rejects}")  # fmt: skip


@handle_errors
def visits(
    ledger: OptionalLedgerArg = None,
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Days to plan ([survey] days, 5).")
    ] = None,
    per_day: Annotated[
        int | None,
        typer.Option("--per-day", min=1, help="Debtors per officer a day ([survey] per_day, 4)."),
    ] = None,
    region: RegionOpt = None,
    customer_type: CustomerTypeOpt = None,
    band: BandOpt = None,
    officer: OfficerOpt = None,
    branch: BranchOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    output_encoding: OutputEncodingOpt = CsvEncoding.utf8_bom,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    config: ConfigOpt = None,
    rules: RulesOpt = None,
    snapshot: SnapshotOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """A field-visit plan: each officer's next --days, --per-day debtors a day, in priority
    order by village or township: clustered debtors visited together (a team visit, 群体进攻,
    when many or malicious), scattered ones phoned first; with what to bring and the notes
    (minority customs, third-party help). xlsx: a sheet per officer, print-ready."""
    from npl_cli.cli.output import write_rows
    from npl_cli.config import load_settings
    from npl_cli.pipeline.survey import visit_plan
    from npl_cli.render.console import stdout_console
    from npl_cli.render.survey import render_visits, visits_book

    chosen = file_format(fmt, output)
    settings = load_settings(config, rules)
    language = resolve_lang(lang, settings.lang)
    source = _source(ledger, settings, as_of=as_of, snapshot=snapshot, workspace=workspace,
                     wait=wait, output=output, language=language, sheet=sheet,
                     header_row=header_row, encoding=encoding)  # fmt: skip
    config_survey = settings.data["survey"]
    planned = visit_plan(
        source.ledger,
        settings,
        as_of=source.as_of,
        filters=_filters(settings, region, customer_type, band, officer, branch),
        days=days or int(config_survey["days"]),
        per_day=per_day or int(config_survey["per_day"]),
        events=source.events,
        survey=source.survey,
        since=source.since,
        lang=language,
    )
    if chosen is Format.table:
        render_visits(planned, stdout_console(), lang=language, mask=not no_mask)
        return
    write_rows(planned, chosen, output, sheet="visits", lang=language,
               csv_encoding=output_encoding.value,
               book=lambda rows: visits_book(rows, language))  # fmt: skip
