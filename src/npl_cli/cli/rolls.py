"""npl rolls: roll rates between two snapshots."""

from __future__ import annotations

from typing import Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    CsvEncoding,
    Format,
    FormatOpt,
    LangOpt,
    OutputEncodingOpt,
    OutputOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    parse_date_option,
    resolve_lang,
)
from npl_cli.errors import UsageError


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
    output_encoding: OutputEncodingOpt = CsvEncoding.utf8_bom,
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
) -> None:
    """Roll rates between two snapshots: where each aging band's loans stood a snapshot later
    (a later band, or gone), by number and by balance."""
    import pandas as pd

    from npl_cli.cli.loading import workspace_path
    from npl_cli.cli.output import check_outputs, write_rows
    from npl_cli.config import load_settings
    from npl_cli.pipeline import roll_rates
    from npl_cli.render.console import stdout_console
    from npl_cli.render.rolls import render_rolls
    from npl_cli.store import Workspace

    chosen = file_format(fmt, output)
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
    if chosen is Format.table:
        render_rolls(result, stdout_console(), lang=resolve_lang(lang, settings.lang))
        return
    write_rows(
        result.rows,
        chosen,
        output,
        sheet="rolls",
        csv_encoding=output_encoding.value,
        lang=resolve_lang(lang, settings.lang),
    )
