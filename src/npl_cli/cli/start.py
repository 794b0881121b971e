"""The `npl` entry point: `npl --version` answers before Typer and the commands are imported
(a shell or a packaging script probes it often); everything else goes to the Typer app."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from npl_cli import __version__

        sys.stdout.write(f"npl {__version__}\n")
        return
    from npl_cli.cli.app import main as run

    run()
