"""npl inspect: how a ledger file was read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    EncodingOpt,
    Format,
    HeaderRowOpt,
    LangOpt,
    LedgerArg,
    NoMaskOpt,
    OutputOpt,
    RejectsOpt,
    SheetOpt,
    TableOrJson,
    file_format,
    handle_errors,
    resolve_lang,
)

if TYPE_CHECKING:
    from npl_cli.ledger import Ledger


@handle_errors
def inspect(
    ledger: LedgerArg,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
    fmt: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="table, or json (the whole report).")
    ] = TableOrJson.table,
    output: OutputOpt = None,
    rejects: RejectsOpt = None,
    no_mask: NoMaskOpt = False,
    config: ConfigOpt = None,
    lang: LangOpt = None,
) -> None:
    """Show how a ledger is read: sheet, header, column mapping, row accounting, problems."""
    from npl_cli.cli.loading import read_ledger
    from npl_cli.config import load_settings
    from npl_cli.export import write_json_object
    from npl_cli.render.console import stdout_console
    from npl_cli.render.inspect import render_inspect

    to_screen = file_format(fmt, output) is Format.table
    settings = load_settings(config)
    language = resolve_lang(lang, settings.lang)
    loaded = read_ledger(
        ledger,
        sheet=sheet,
        header_row=header_row,
        encoding=encoding,
        settings=settings,
        output=output,
        rejects=rejects,
        lang=language,
    )
    if not to_screen:
        write_json_object(inspect_payload(loaded), output)
        return
    render_inspect(loaded, stdout_console(), mask=not no_mask, lang=language)


def inspect_payload(ledger: Ledger) -> dict[str, Any]:
    from npl_cli.export import records
    from npl_cli.ledger import analyses

    return {
        "file": ledger.file,
        "sheet": ledger.sheet,
        "header_row": ledger.header_row,
        "encoding": ledger.encoding,
        "columns": ledger.columns,
        "units": {m.canonical: m.factor for m in ledger.mapping if m.factor != 1},
        "extra_columns": ledger.extra_columns,
        "rows_read": ledger.rows_read,
        "rows_used": ledger.rows_used,
        "rows_rejected": ledger.rows_rejected,
        "rows_skipped": ledger.rows_skipped,
        "skipped": ledger.skipped,
        "problem_count": len(ledger.problems),
        "problems": records(ledger.problems),
        "analyses": {name: missing is None for name, missing in analyses(ledger).items()},
    }
