"""The two consoles (data to stdout, messages and progress to stderr) and the progress
spinner: rich stays in render/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=False)


def stdout_console() -> Console:
    return Console(highlight=False)


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while a slow step runs, only when stderr is a terminal."""
    console = stderr_console()
    if not console.is_terminal or os.environ.get("CI"):
        yield
        return
    with console.status(message, spinner="dots"):
        yield
