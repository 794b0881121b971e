"""npl snapshots (and drop): the stored snapshots."""

from __future__ import annotations

from typing import Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    Format,
    FormatOpt,
    LangOpt,
    OutputOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    parse_date_option,
    resolve_lang,
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
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """List the snapshots (as-of date, file, rows read, used, rejected, skipped)."""
    from npl_cli.cli.loading import workspace_path
    from npl_cli.cli.output import check_outputs, write_rows
    from npl_cli.config import load_settings
    from npl_cli.render.console import stdout_console
    from npl_cli.render.workspace import render_snapshots
    from npl_cli.store import Workspace

    if ctx.invoked_subcommand:
        return
    chosen = file_format(fmt, output)
    path = workspace_path(workspace, config)
    check_outputs(output, workspace=path)
    with Workspace.open(path, timeout=wait, create=False) as store:
        listed = store.snapshots()
    language = resolve_lang(lang, load_settings(config).lang)
    if chosen is Format.table:
        render_snapshots(listed, stdout_console(), lang=language)
        return
    write_rows(listed, chosen, output, sheet="snapshots", amount_columns=(), lang=language)


@snapshots_app.command("drop")
@handle_errors
def drop(
    date: Annotated[str, typer.Argument(help="The snapshot's as-of date.")],
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    lang: LangOpt = None,
) -> None:
    """Remove the snapshot of DATE (its loans, extra columns and rejects)."""
    from npl_cli.cli.loading import workspace_path
    from npl_cli.render.console import Messages
    from npl_cli.store import Workspace

    day = parse_date_option(date, "DATE")
    with Workspace.open(workspace_path(workspace), timeout=wait, create=False) as store:
        store.drop(day)
    language = resolve_lang(lang, "")
    Messages(language).say(f"dropped snapshot {day:%Y-%m-%d}", f"已删除 {day:%Y-%m-%d} 的快照")
