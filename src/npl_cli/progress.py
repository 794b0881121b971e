"""How far long work has come, reported through a small protocol so that the domain and the
writers stay free of rich: the CLI passes a bar (render/console.py), a library caller nothing."""

from __future__ import annotations

from collections.abc import Callable

Advance = Callable[[int], None]  # called with how many more units are done


def ignore(done: int) -> None:
    """An Advance that reports nothing."""
    return None


class Progress:
    """Reports nothing; the screen's subclass draws a bar with counts."""

    def task(self, label: str, total: int) -> Advance:
        """Start a piece of work of `total` units (rows, columns, steps) named `label` (a
        Said carries its Chinese); returns the function to call as units are done."""
        return ignore


QUIET = Progress()
