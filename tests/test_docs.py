"""The README documents every command and every option the CLI offers (as sqlite-utils'
test_docs does): an undocumented command or option is a defect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperArgument

from npl_cli.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        found.append((prefix, command))
        for name, child in getattr(command, "commands", {}).items():
            walk(f"{prefix} {name}", child)

    walk("npl", root)
    return found


COMMANDS = commands()


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS[1:]])
def test_every_command_is_in_the_readme(path: str) -> None:
    assert path in README, f"README does not mention `{path}`"


OPTIONS = sorted(
    {
        option
        for _, command in COMMANDS
        for parameter in command.params
        if not isinstance(parameter, TyperArgument)
        for option in parameter.opts
        if option.startswith("--") and option not in ("--help",)
    }
)


@pytest.mark.parametrize("option", OPTIONS)
def test_every_option_is_in_the_readme(option: str) -> None:
    assert option in README, f"README does not mention {option}"


def test_every_command_takes_lang() -> None:
    """Every command prints words (a table, a note, an error): each takes --lang."""
    from typer.main import get_command

    from npl_cli.cli.app import app

    missing: list[str] = []

    def walk(command: Any, path: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, [*path, name])
            return
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        if "--lang" not in options:
            missing.append(" ".join(path))

    walk(get_command(app), ["npl"])
    assert missing == []
