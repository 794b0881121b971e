"""`npl --help`, `--version` and shell completion import no pandas, pyarrow, numpy or duckdb:
a TAB press must not cost a second of CPU (the figures are in bench/bench_startup.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import sys
from npl_cli.cli.start import main
sys.argv = ["npl", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = ("pandas", "numpy", "pyarrow", "duckdb", "pydantic")
print("heavy:" + ",".join(m for m in heavy if m in sys.modules))
print("typer:" + str("typer" in sys.modules))
"""
COMPLETE = {"_NPL_COMPLETE": "complete_bash", "COMP_CWORD": "1", "COMP_WORDS": "npl tr"}


@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        (["--help"], {}, "triage"),
        (["--version"], {}, "npl 0.1.0"),
        (["triage", "--help"], {}, "--officer"),
        ([], COMPLETE, "triage"),
        ([], {**COMPLETE, "COMP_WORDS": "npl triage --off", "COMP_CWORD": "2"}, "--officer"),
    ],
)
def test_help_version_and_completion_stay_light(
    args: list[str], env: dict[str, str], shown: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    *screen, heavy, typer = done.stdout.splitlines()
    assert heavy == "heavy:"
    assert shown in "\n".join(screen)
    assert typer == ("typer:False" if args == ["--version"] else "typer:True")
