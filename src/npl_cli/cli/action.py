"""npl action add, import and list: the collection-action log."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    EncodingOpt,
    Format,
    FormatOpt,
    HeaderRowOpt,
    LangOpt,
    NoMaskOpt,
    OutputOpt,
    SheetOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    parse_date_option,
    resolve_lang,
)
from npl_cli.errors import UsageError
from npl_cli.schema import ACTION_KINDS

ActionKind = StrEnum("ActionKind", {k: k for k in ACTION_KINDS})  # type: ignore[misc]
AMOUNTS = ("amount", "promise_amount")
OPTION_LABELS = {"date": "--date", "amount": "--amount", "promise_date": "--promise-date",
                 "promise_amount": "--promise-amount"}  # fmt: skip
action_app = typer.Typer(help="Record collection actions and list them.", no_args_is_help=True)

if TYPE_CHECKING:
    import pandas as pd


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
    import pandas as pd

    from npl_cli.cli.loading import workspace_path
    from npl_cli.ledger.actions import action_problems
    from npl_cli.render.console import stderr_console
    from npl_cli.store import Workspace

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
    from npl_cli.cli.loading import workspace_path
    from npl_cli.ledger.actions import read_actions
    from npl_cli.render.console import stderr_console
    from npl_cli.store import Workspace

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
    import pandas as pd

    from npl_cli.render.mask import mask_names

    return str(mask_names(pd.Series([str(name)])).iloc[0])


def _warn_unmatched(actions: pd.DataFrame, day: pd.Timestamp | None, loans: pd.DataFrame) -> None:
    """Say which recorded actions the latest snapshot cannot place (typos in ids or names)."""
    from npl_cli.deadlines import GUARANTOR_SEPARATORS
    from npl_cli.deadlines.actions import unmatched_actions
    from npl_cli.render.console import stderr_console

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
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
) -> None:
    """List recorded actions, oldest first (names, ID and phone numbers masked on screen; files
    carry them in full)."""
    from npl_cli.cli.loading import workspace_path
    from npl_cli.cli.output import check_outputs, write_rows
    from npl_cli.config import load_settings
    from npl_cli.render.console import stdout_console
    from npl_cli.render.workspace import render_actions
    from npl_cli.store import Workspace

    chosen = file_format(fmt, output)
    path = workspace_path(workspace, config)
    check_outputs(output, workspace=path)
    with Workspace.open(path, timeout=wait, create=False) as store:
        actions = store.actions(loan_id)
        _, loans = store.loans_for(actions["loan_id"])
    if chosen is not Format.table:
        language = resolve_lang(lang, load_settings(config).lang)
        write_rows(actions, chosen, output, sheet="actions", amount_columns=AMOUNTS,
                   lang=language, action_kinds=True)  # fmt: skip
        return
    render_actions(
        actions,
        stdout_console(),
        lang=resolve_lang(lang, load_settings(config).lang),
        mask=not no_mask,
        loans=loans,
    )
