"""The two consoles (data to stdout, messages and progress to stderr) and the progress
spinner: rich stays in render/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from npl_cli.messages import NOTE, in_lang


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
