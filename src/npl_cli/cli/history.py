"""npl history: a loan's record, on screen or as a file for the lawyer."""

from __future__ import annotations

from typing import Annotated

import typer

from npl_cli.cli.common import (
    AsOfOpt,
    ConfigOpt,
    Format,
    LangOpt,
    NoMaskOpt,
    OutputOpt,
    RecordFormat,
    StrictEvidenceOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    resolve_as_of,
    resolve_lang,
)
from npl_cli.errors import UsageError
from npl_cli.render.labels import column_label

SHEET_NAMES = {
    "zh": {"snapshots": "快照", "actions": "催收记录", "deadlines": "法定期限"},
    "en": {"snapshots": "snapshots", "actions": "actions", "deadlines": "deadlines"},
}


@handle_errors
def history(
    loan_id: Annotated[str, typer.Argument(help="The loan (借据号).")],
    as_of: AsOfOpt = None,
    fmt: Annotated[
        RecordFormat,
        typer.Option("--format", "-f", help="table, or json / xlsx (one sheet per part)."),
    ] = RecordFormat.table,
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
    from npl_cli.cli.loading import workspace_path
    from npl_cli.cli.output import check_outputs
    from npl_cli.config import load_settings
    from npl_cli.export import records, write_json_object, write_workbook
    from npl_cli.pipeline import deadline_settings, loan_history
    from npl_cli.render.console import stdout_console
    from npl_cli.render.workbook import for_people
    from npl_cli.render.workspace import render_history
    from npl_cli.store import Workspace

    chosen = file_format(fmt, output)
    to_screen = chosen is Format.table
    check_outputs(output, workspace=workspace_path(workspace, config))
    day = resolve_as_of(as_of)
    settings = load_settings(config)
    with Workspace.open(workspace_path(workspace, config), timeout=wait, create=False) as store:
        snaps = store.loan_snapshots(loan_id)
        actions = store.actions(loan_id)
    if snaps.empty and actions.empty:
        raise UsageError(f"loan {loan_id} is in no snapshot and has no actions")
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
    if chosen is Format.xlsx and output is not None:
        sheets = {
            SHEET_NAMES[language][name]: for_people(part, language, action_kinds=name == "actions")
            for name, part in parts.items()
        }
        amounts = [column_label(c, language) for c in ("balance", "amount", "promise_amount")]
        write_workbook(sheets, output, amount_columns=amounts)
        return
    payload = {"loan_id": loan_id, "as_of": f"{day:%Y-%m-%d}"}
    write_json_object({**payload, **{name: records(part) for name, part in parts.items()}}, output)
