"""One error hierarchy; the CLI maps it to exit codes at the edge."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

PROBLEM_COLUMNS = ["row", "column", "value", "message", "severity"]


class NplError(Exception):
    """A mistake the user can fix: bad input, bad config, bad option. Exit code 2."""

    exit_code = 2


class InputError(NplError):
    """A ledger or other input file cannot be read as asked."""


class ConfigError(NplError):
    """A config or rules file is invalid."""


class UsageError(NplError):
    """An option value is invalid."""


class OutputError(NplError):
    """A file could not be written (disk full, permissions, a path that went away)."""


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """'; did you mean 'X'?' for the closest choice, or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""
