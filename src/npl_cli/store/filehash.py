"""A file's SHA-256, computed beside the caller's work (the workspace keys snapshots by it)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from npl_cli.errors import InputError

_HASH_SCRIPT = """
import hashlib, os, sys
try:
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
except (AttributeError, OSError):
    if hasattr(os, "nice"):
        os.nice(19)
with open(sys.argv[1], "rb") as handle:
    print(hashlib.file_digest(handle, "sha256").hexdigest())
"""


class FileHash:
    """A file's SHA-256, computed beside the caller's work by a child process at idle CPU
    priority: it takes only a core the parse leaves free (as a thread it competed with the
    parse and cost 0.15 s of a 1M-row load). Where no Python can be started (a frozen app),
    a thread does it. Use as a context manager; `result()` waits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._digest: str | None = None
        self._child: subprocess.Popen[str] | None = None
        self._thread: Future[str] | None = None
        if sys.executable and not getattr(sys, "frozen", False):
            self._child = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _HASH_SCRIPT, str(path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                creationflags=getattr(subprocess, "IDLE_PRIORITY_CLASS", 0),  # Windows only
            )
        else:
            self._thread = ThreadPoolExecutor(max_workers=1).submit(_sha256, path)

    def result(self) -> str:
        if self._digest is None:
            self._digest = self._from_child() if self._child else self._from_thread()
        return self._digest

    def _from_child(self) -> str:
        assert self._child is not None
        out, err = self._child.communicate()
        if self._child.returncode:
            lines = err.strip().splitlines() or [f"exit status {self._child.returncode}"]
            raise InputError(f"{self.path}: could not read it to hash it: {lines[-1]}")
        return out.strip()

    def _from_thread(self) -> str:
        assert self._thread is not None
        try:
            return self._thread.result()
        except OSError as error:
            raise InputError(f"{self.path}: could not read it to hash it: {error}") from None

    def __enter__(self) -> FileHash:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._child is None:
            return
        if self._child.returncode is None:  # not awaited: the caller failed or had no need
            self._child.kill()
        with self._child:  # closes its pipes and reaps it
            pass


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
