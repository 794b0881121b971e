"""npl workspace (and export): where the workspace is, what it holds, all of it out."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from npl_cli.cli.common import (
    Format,
    LangOpt,
    OutputOpt,
    TableOrJson,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    resolve_lang,
)
from npl_cli.errors import UsageError

workspace_app = typer.Typer(
    help="Where the workspace is and what it holds; export it.", invoke_without_command=True
)


@workspace_app.callback()
@handle_errors
def workspace_info(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    fmt: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="table, or json for scripts.")
    ] = TableOrJson.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """Print the workspace's location and contents."""
    from npl_cli.cli.loading import workspace_path
    from npl_cli.export import write_json_object
    from npl_cli.render.console import stdout_console
    from npl_cli.render.workspace import render_summary
    from npl_cli.store import Workspace

    if ctx.invoked_subcommand:
        return
    chosen = file_format(fmt, output)
    path = workspace_path(workspace)
    summary: dict[str, object] = {"path": str(path), "exists": path.exists()}
    if path.exists():
        with Workspace.open(path, timeout=wait) as store:
            summary = {**store.summary(), "exists": True}
    if chosen is Format.json:
        write_json_object(summary, output)
        return
    render_summary(summary, stdout_console(), lang=resolve_lang(lang, ""))


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
    lang: LangOpt = None,
) -> None:
    """Write every table (snapshots, loans, loan_extras, rejects, actions) to FOLDER; CSV cells
    that a spreadsheet would run as formulas are written as text."""
    from npl_cli.cli.loading import workspace_path
    from npl_cli.export import write_table_csv
    from npl_cli.store import Workspace

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
