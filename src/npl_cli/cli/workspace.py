"""npl load, snapshots, workspace, action and history: the desk's own store of its work."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from npl_cli.cli.common import (
    AsOfOpt,
    ConfigOpt,
    EncodingOpt,
    Format,
    FormatOpt,
    HeaderRowOpt,
    LangOpt,
    LedgerArg,
    NoMaskOpt,
    OutputOpt,
    RejectsOpt,
    SheetOpt,
    StrictEvidenceOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    parse_date_option,
    resolve_as_of,
    resolve_lang,
    stderr_console,
    stdout_console,
)
from npl_cli.cli.loading import read_ledger
from npl_cli.cli.output import check_outputs, write_rows
from npl_cli.config import load_settings
from npl_cli.deadlines import GUARANTOR_SEPARATORS
from npl_cli.deadlines.actions import unmatched_actions
from npl_cli.errors import UsageError
from npl_cli.export import records, write_json_object, write_table_csv, write_workbook
from npl_cli.ledger import Ledger
from npl_cli.ledger.actions import action_problems, read_actions
from npl_cli.pipeline import deadline_settings, loan_history, roll_rates
from npl_cli.render.mask import mask_names
from npl_cli.render.rolls import render_rolls
from npl_cli.render.workspace import render_actions, render_history, render_snapshots
from npl_cli.schema import ACTION_KINDS
from npl_cli.store import FileHash, Workspace, resolve_path
from npl_cli.store.writer import SnapshotWriter
from npl_cli.text import counted

ActionKind = StrEnum("ActionKind", {k: k for k in ACTION_KINDS})  # type: ignore[misc]


def workspace_path(flag: Path | None, config: Path | None = None) -> Path:
    settings = load_settings(config)
    return resolve_path(flag, settings.typed.workspace_path)


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
    stderr_console().print(
        f"{ledger.name} is already the snapshot of {day:%Y-%m-%d}; nothing changed",
        markup=False,
    )


snapshots_app = typer.Typer(
    help="List the workspace's ledger snapshots, or drop one.", invoke_without_command=True
)


@snapshots_app.callback()
@handle_errors
def snapshots(
    ctx: typer.Context,
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
) -> None:
    """List the snapshots (as-of date, file, rows)."""
    if ctx.invoked_subcommand:
        return
    with Workspace.open(workspace_path(workspace, config), timeout=wait, create=False) as store:
        listed = store.snapshots()
    language = resolve_lang(lang, load_settings(config).lang)
    render_snapshots(listed, stdout_console(), lang=language)


@snapshots_app.command("drop")
@handle_errors
def drop(
    date: Annotated[str, typer.Argument(help="The snapshot's as-of date.")],
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
) -> None:
    """Remove the snapshot of DATE (its loans, extra columns and rejects)."""
    day = parse_date_option(date, "DATE")
    with Workspace.open(workspace_path(workspace), timeout=wait, create=False) as store:
        store.drop(day)
    stderr_console().print(f"dropped snapshot {day:%Y-%m-%d}", markup=False)


workspace_app = typer.Typer(
    help="Where the workspace is and what it holds; export it.", invoke_without_command=True
)


@workspace_app.callback()
@handle_errors
def workspace_info(
    ctx: typer.Context, workspace: WorkspaceOpt = None, wait: TimeoutOpt = 30.0
) -> None:
    """Print the workspace's location and contents."""
    if ctx.invoked_subcommand:
        return
    path = workspace_path(workspace)
    if not path.exists():
        typer.echo(json.dumps({"path": str(path), "exists": False}, indent=2))
        return
    with Workspace.open(path, timeout=wait) as store:
        typer.echo(json.dumps({**store.summary(), "exists": True}, indent=2))


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@workspace_app.command("export")
@handle_errors
def export(
    folder: Annotated[Path, typer.Argument(help="Folder for one file per table.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.parquet,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
) -> None:
    """Write every table (snapshots, loans, loan_extras, rejects, actions) to FOLDER; CSV cells
    that a spreadsheet would run as formulas are written as text."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file; give a folder to export into")
    with Workspace.open(workspace_path(workspace), timeout=wait, create=False) as store:
        if fmt is ExportFormat.parquet:
            written = store.export_parquet(folder)
        else:
            written = []
            for name in store.TABLES:
                target = folder / f"{name}.csv"
                write_table_csv(store.table(name), target)
                written.append(target)
    for path in written:
        typer.echo(str(path))


OPTION_LABELS = {"date": "--date", "amount": "--amount", "promise_date": "--promise-date",
                 "promise_amount": "--promise-amount"}  # fmt: skip
action_app = typer.Typer(help="Record collection actions and list them.", no_args_is_help=True)


@action_app.command("add")
@handle_errors
def add(
    loan_id: Annotated[str, typer.Argument(help="The loan (借据号).")],
    kind: Annotated[ActionKind, typer.Argument(help="What was done.")],
    date: Annotated[str, typer.Option("--date", help="When (YYYY-MM-DD).")],
    party: Annotated[str | None, typer.Option("--party", help="Guarantor or other party.")] = None,
    amount: Annotated[float | None, typer.Option("--amount", help="Amount paid.")] = None,
    method: Annotated[str | None, typer.Option("--method", help="How: 信函, 短信, 上门 …")] = None,
    evidence: Annotated[
        str | None,
        typer.Option("--evidence", help="Proof of delivery: 签收, 短信已达, 退回, 拒收 …"),
    ] = None,
    promise_date: Annotated[str | None, typer.Option("--promise-date")] = None,
    promise_amount: Annotated[float | None, typer.Option("--promise-amount")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
) -> None:
    """Record one action on a loan."""
    row = {
        "loan_id": loan_id, "kind": kind.value, "date": parse_date_option(date, "--date"),
        "party": party, "amount": amount, "method": method, "evidence": evidence,
        "promise_date": parse_date_option(promise_date, "--promise-date") if promise_date
        else pd.NaT,
        "promise_amount": promise_amount, "note": note,
    }  # fmt: skip
    action = pd.DataFrame([row]).astype({"amount": float, "promise_amount": float})
    problem = action_problems(action, OPTION_LABELS)[0]
    if problem is not None:
        raise UsageError(problem)
    with Workspace.open(workspace_path(workspace), timeout=wait) as store:
        added, _ = store.add_actions(action, source="npl action add")
        day, loans = store.loans_for(action["loan_id"])
    stderr_console().print(
        "recorded" if added else "already recorded; nothing changed", markup=False
    )
    _warn_unmatched(action, day, loans)


@action_app.command("import")
@handle_errors
def import_actions(
    file: Annotated[Path, typer.Argument(help="Actions file (.csv or .xlsx).")],
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Import actions (借据号, 催收日期, 催收方式, 送达情况, 还款金额, 承诺还款日, 承诺金额 …);
    importing the same rows again adds nothing."""
    read = read_actions(file, sheet=sheet, header_row=header_row, encoding=encoding)
    with Workspace.open(workspace_path(workspace), timeout=wait) as store:
        added, known = store.add_actions(read.actions, source=file.name)
        day, loans = store.loans_for(read.actions["loan_id"])
    messages = stderr_console()
    used = read.rows_read - len(read.rejects) - read.rows_skipped
    messages.print(
        f"{file.name}: rows read {read.rows_read:,} = used {used:,} + rejected "
        f"{len(read.rejects):,} + skipped {read.rows_skipped:,}; actions added {added:,}, "
        f"already recorded {known:,}",
        markup=False,
    )
    for row in read.rejects.head(20).itertuples(index=False):
        messages.print(f"  row {row.source_row}: {row.reason}", markup=False)
    _warn_unmatched(read.actions, day, loans)


def masked(name: object) -> str:
    """A name as stderr shows it (stderr is a screen too)."""
    return str(mask_names(pd.Series([str(name)])).iloc[0])


def _warn_unmatched(actions: pd.DataFrame, day: pd.Timestamp | None, loans: pd.DataFrame) -> None:
    """Say which recorded actions the latest snapshot cannot place (typos in ids or names)."""
    if day is None or actions.empty:
        return
    found = unmatched_actions(actions, loans)
    messages = stderr_console()
    snapshot = f"snapshot {day:%Y-%m-%d}"
    if found.unknown_loans:
        count = len(found.unknown_loans)
        shown = ", ".join(found.unknown_loans[:5]) + (" …" if count > 5 else "")
        messages.print(
            f"warning: {count:,} loan id{'s' if count > 1 else ''} not in {snapshot}: {shown}; "
            "their actions count once a loaded ledger has them",
            markup=False,
        )
    for row in found.unknown_parties.head(5).itertuples(index=False):
        names = [n for n in re.split(GUARANTOR_SEPARATORS, str(row.guarantors)) if n.strip()]
        listed = "、".join(masked(n) for n in names) if names else "none recorded"
        messages.print(
            f"warning: {masked(row.party)} is not a guarantor of {row.loan_id} in {snapshot} "
            f"(its guarantors: {listed}); the demand meets no guarantee period until the "
            "names match",
            markup=False,
        )


@action_app.command("list")
@handle_errors
def list_actions(
    loan_id: Annotated[str | None, typer.Argument(help="Only this loan.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
) -> None:
    """List recorded actions, oldest first (names, ID and phone numbers masked on screen)."""
    with Workspace.open(workspace_path(workspace, config), timeout=wait, create=False) as store:
        actions = store.actions(loan_id)
        _, loans = store.loans_for(actions["loan_id"])
    if as_json:
        from npl_cli.export import records

        for row in records(actions):
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    render_actions(
        actions,
        stdout_console(),
        lang=resolve_lang(lang, load_settings(config).lang),
        mask=not no_mask,
        loans=loans,
    )


@handle_errors
def history(
    loan_id: Annotated[str, typer.Argument(help="The loan (借据号).")],
    as_of: AsOfOpt = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", "-f", help="table, or json / xlsx (one sheet per part)."),
    ] = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
    strict_evidence: StrictEvidenceOpt = False,
) -> None:
    """A loan's timeline: each snapshot (balance, DPD, class), its actions and promises, and
    its deadlines as they stood at each snapshot and as they stand now — on screen, or as
    the record for a lawyer (--format json|xlsx -o FILE)."""
    to_screen = fmt is Format.table and output is None
    chosen = file_format(fmt, output)
    if not to_screen and chosen not in (Format.json, Format.xlsx):
        raise UsageError("history has three parts: give --format table, json or xlsx")
    check_outputs(output, workspace=workspace_path(workspace, config))
    day = resolve_as_of(as_of)
    settings = load_settings(config)
    with Workspace.open(workspace_path(workspace, config), timeout=wait, create=False) as store:
        snaps = store.query(
            "SELECT s.as_of, s.file, l.* EXCLUDE (as_of) FROM loans l JOIN snapshots s "
            "USING (as_of) WHERE l.loan_id = ? ORDER BY s.as_of",
            [loan_id],
        )
        actions = store.actions(loan_id)
    if snaps.empty and actions.empty:
        raise UsageError(f"loan {loan_id} is in no snapshot and has no actions")
    for column in snaps.columns:
        if pd.api.types.is_datetime64_any_dtype(snaps[column]):
            snaps[column] = snaps[column].astype("datetime64[ns]")
    language = resolve_lang(lang, settings.lang)
    options = deadline_settings(settings, strict_evidence=strict_evidence)
    record = loan_history(loan_id, snaps, actions, day, options, language)
    if to_screen:
        render_history(record, stdout_console(), mask=not no_mask, lang=language)
        return
    parts = {
        "snapshots": record.snapshots.dropna(axis=1, how="all"),
        "actions": record.actions,
        "deadlines": record.deadlines,
    }
    if chosen is Format.xlsx:
        if output is None:
            raise UsageError("--format xlsx needs -o FILE.xlsx (a workbook cannot go to stdout)")
        write_workbook(parts, output, amount_columns=("balance", "amount", "promise_amount"))
        return
    payload = {"loan_id": loan_id, "as_of": f"{day:%Y-%m-%d}"}
    write_json_object({**payload, **{name: records(part) for name, part in parts.items()}}, output)


@handle_errors
def rolls(
    start: Annotated[
        str | None,
        typer.Option("--from", help="The earlier snapshot's date (default: the one before --to)."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="The later snapshot's date (default: the latest).")
    ] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
) -> None:
    """Roll rates between two snapshots: where each aging band's loans stood a snapshot later
    (a later band, or gone), by number and by balance."""
    settings = load_settings(config)
    check_outputs(output, workspace=workspace_path(workspace, config))
    with Workspace.open(workspace_path(workspace, config), timeout=wait, create=False) as store:
        days = [pd.Timestamp(d) for d in store.snapshots()["as_of"]]
        later = parse_date_option(end, "--to") if end else (days[-1] if days else None)
        earlier = (
            parse_date_option(start, "--from")
            if start
            else max((d for d in days if later is not None and d < later), default=None)
        )
        if earlier is None or later is None:
            raise UsageError("roll rates need two snapshots; `npl load` another month's ledger")
        if earlier >= later:
            raise UsageError("--from must be an earlier snapshot than --to")
        _, before = store.latest(earlier)
        _, after = store.latest(later)
    result = roll_rates(before, after, settings, start=earlier, end=later)
    if fmt is Format.table and output is None:
        render_rolls(result, stdout_console(), lang=resolve_lang(lang, settings.lang))
        return
    write_rows(result.rows, file_format(fmt, output), output, sheet="rolls")
