"""npl rules show / npl rules check: the debtor-type rules in force, and checking a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    Format,
    LangOpt,
    OutputOpt,
    RulesOpt,
    TableOrJson,
    file_format,
    handle_errors,
    resolve_lang,
)
from npl_cli.errors import ConfigError

rules_app = typer.Typer(
    help="Show the debtor-type rules in force, or check a rules file.", no_args_is_help=True
)


@rules_app.command("show")
@handle_errors
def show(
    config: ConfigOpt = None,
    rules: RulesOpt = None,
    fmt: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="table, or json (the rules as data).")
    ] = TableOrJson.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """Print the effective rules, first match first: yours, then the defaults."""
    from npl_cli.config import load_settings
    from npl_cli.export import write_json_object
    from npl_cli.render.console import stdout_console
    from npl_cli.render.rules import render_rules
    from npl_cli.rules import compile_rules, known_fields

    chosen = file_format(fmt, output)
    settings = load_settings(config, rules)
    compiled = compile_rules(settings.rules, known_fields())
    if chosen is Format.json:
        write_json_object(settings.rules, output)
        return
    render_rules(compiled, stdout_console(), lang=resolve_lang(lang, settings.lang))


@rules_app.command("check")
@handle_errors
def check(
    file: Annotated[
        Path, typer.Argument(help="A TOML file with [[rules]] and/or [[warnings]] tables.")
    ],
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="Also allow this ledger's own (unmapped) columns as fields."),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Check a rules file (or an npl.toml): unknown fields, operators or types are errors
    with a suggestion."""
    from npl_cli.cli.loading import read_ledger
    from npl_cli.config import defaults, read_toml, validate_keys
    from npl_cli.rules import compile_rules, known_fields
    from npl_cli.warning import compile_warnings

    if not file.is_file():
        raise ConfigError(f"{file}: rules file not found; check the path")
    raw = read_toml(file)
    validate_keys(raw, defaults(), file)  # a rules file, or a whole npl.toml
    extra = read_ledger(ledger).extra_columns if ledger else []
    try:
        compiled = compile_rules(raw.get("rules", []), known_fields(extra))
        warnings = compile_warnings(raw.get("warnings", []), extra)
    except ConfigError as error:
        raise ConfigError(f"{file}: {error}") from None
    if resolve_lang(lang, "") == "zh":
        typer.echo(f"{file}：{len(compiled)} 条客户规则、{len(warnings)} 条预警规则检查通过")
    else:
        typer.echo(f"{file}: {len(compiled)} rules and {len(warnings)} warning rules OK")
