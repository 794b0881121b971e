"""Start-up cost of the paths a shell touches on every TAB press: `npl --help`, `npl
--version`, completion of a command name and of an option, and `npl triage --help`. Each is
run in fresh processes; the figure is the median CPU time (user + system) of the child, and the
heavy libraries it imported (none are wanted on these paths).

Target: under 0.2 s of CPU each, with no pandas, pyarrow or duckdb import.

    python bench/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys

PATHS = {
    "npl --help": (["--help"], {}),
    "npl --version": (["--version"], {}),
    "npl triage --help": (["triage", "--help"], {}),
    "complete 'npl tr'": ([], {"_NPL_COMPLETE": "complete_bash", "COMP_WORDS": "npl tr",
                               "COMP_CWORD": "1"}),
    "complete 'npl triage --o'": ([], {"_NPL_COMPLETE": "complete_bash",
                                       "COMP_WORDS": "npl triage --o", "COMP_CWORD": "2"}),
}  # fmt: skip
HEAVY = ("pandas", "numpy", "pyarrow", "duckdb")
PROBE = """
import sys
from npl_cli.cli.start import main
sys.argv = ["npl", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("heavy:" + ",".join(m for m in {heavy!r} if m in sys.modules) + "\\n")
"""


def cpu_seconds(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    heavy = done.stderr.strip().splitlines()[-1].removeprefix("heavy:")
    return used, heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    for label, (args, env) in PATHS.items():
        runs = [cpu_seconds(args, env) for _ in range(repeat)]
        median = sorted(seconds for seconds, _ in runs)[repeat // 2]
        heavy = runs[-1][1] or "none"
        print(f"{label:<28} {median:6.3f} s CPU  (target < 0.2 s)  heavy imports: {heavy}")


if __name__ == "__main__":
    main()
