"""The two consoles (data to stdout, messages and progress to stderr) and the progress
spinner: rich stays in render/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from npl_cli.messages import NOTE, in_lang
from npl_cli.progress import QUIET, Advance, Progress


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=False)


def stdout_console() -> Console:
    return Console(highlight=False)


class ProgressBar(Progress):
    """rich's progress bars with counts (done / total) on stderr."""

    def __init__(self, bars: RichProgress, lang: str) -> None:
        self.bars, self.lang = bars, lang

    def task(self, label: str, total: int) -> Advance:
        task = self.bars.add_task(in_lang(label, self.lang), total=max(total, 1))

        def advance(done: int) -> None:
            self.bars.advance(task, done)

        return advance


@contextmanager
def progress_bars(lang: str) -> Iterator[Progress]:
    """Bars on stderr while long work runs, only when stderr is a terminal (never in a pipe,
    a log or CI); elsewhere a Progress that reports nothing."""
    console = stderr_console()
    if not console.is_terminal or os.environ.get("CI"):
        yield QUIET
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with RichProgress(*columns, console=console, transient=True) as bars:
        yield ProgressBar(bars, lang)


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while a slow step runs, only when stderr is a terminal."""
    console = stderr_console()
    if not console.is_terminal or os.environ.get("CI"):
        yield
        return
    with console.status(message, spinner="dots"):
        yield


class Messages:
    """What a command says on stderr, in the user's language: plain lines and notes."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.console = Console(stderr=True, highlight=False, soft_wrap=True)  # a line stays one

    def say(self, text: str, zh: str | None = None) -> None:
        """A line: `text` (a Said carries its own Chinese), or `zh` under --lang zh."""
        shown = zh if zh is not None and self.lang == "zh" else in_lang(text, self.lang)
        self.console.print(shown, markup=False)

    def note(self, text: str, zh: str | None = None) -> None:
        shown = zh if zh is not None and self.lang == "zh" else in_lang(text, self.lang)
        self.console.print(NOTE[self.lang] + shown, markup=False)
