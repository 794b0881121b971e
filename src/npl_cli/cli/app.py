"""The npl command line: one Typer app, thin commands, errors mapped to exit codes here."""

from __future__ import annotations

import os
import signal
import sys
from typing import Annotated

import typer

from npl_cli import __version__
from npl_cli.cli.action import action_app
from npl_cli.cli.history import history
from npl_cli.cli.inspect import inspect
from npl_cli.cli.limitation import limitation
from npl_cli.cli.load import load
from npl_cli.cli.report import report
from npl_cli.cli.rolls import rolls
from npl_cli.cli.rules import rules_app
from npl_cli.cli.sample import sample
from npl_cli.cli.snapshots import snapshots_app
from npl_cli.cli.survey import survey_app, visits
from npl_cli.cli.triage import triage
from npl_cli.cli.watch import watch
from npl_cli.cli.workspace import workspace_app

app = typer.Typer(
    name="npl",
    help="Collect overdue and non-performing loans: read ledgers, age them, compute legal "
    "deadlines, type debtors and print prioritised worklists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"npl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="On an internal error, show the traceback.")
    ] = False,
) -> None:
    """npl: the asset-preservation desk's toolkit."""
    if debug:
        os.environ["NPL_DEBUG"] = "1"


app.command()(triage)
app.command()(inspect)
app.command()(limitation)
app.command()(sample)
app.add_typer(rules_app, name="rules")
app.command()(load)
app.add_typer(snapshots_app, name="snapshots")
app.add_typer(action_app, name="action")
app.command()(history)
app.command()(rolls)
app.command()(report)
app.command()(watch)
app.add_typer(survey_app, name="survey")
app.command()(visits)
app.add_typer(workspace_app, name="workspace")


def _exit_on_signal(signum: int, frame: object) -> None:
    """SIGTERM and SIGHUP end npl like Ctrl-C does, so that every `finally` runs: no
    half-written temporary file (with names and ID numbers in it) is left behind."""
    raise KeyboardInterrupt


def _dash_files(args: list[str]) -> str | None:
    """An argument before `--` that starts with '-' but names an existing file: it would be
    read as options (-odd.csv as `-o dd.csv`)."""
    for arg in args:
        if arg == "--":
            return None
        if arg.startswith("-") and len(arg) > 1 and os.path.isfile(arg):
            return arg
    return None


def main() -> None:
    odd = _dash_files(sys.argv[1:])
    if odd is not None:
        sys.stderr.write(
            f"npl: error: {odd}: a file name starting with '-' reads as options; write "
            f"./{odd}, or put -- before it\n"
        )
        raise SystemExit(2)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _exit_on_signal)
    app(prog_name="npl")
