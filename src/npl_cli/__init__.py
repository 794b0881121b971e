"""npl: a toolkit for collecting overdue and non-performing loans.

The Python API is what the commands call; every computation takes `as_of` explicitly:

    import pandas as pd
    import npl_cli as npl

    ledger = npl.load_ledger("ledger.xlsx")          # every row used, rejected or skipped
    settings = npl.load_settings()                   # packaged defaults, then ./npl.toml
    worklist = npl.triage(ledger, settings, as_of=pd.Timestamp("2026-11-30"))
    due = npl.limitation(ledger, settings, as_of=pd.Timestamp("2026-11-30"), days=90)
    worklist.rows, due.rows                          # the same columns as the CSV exports
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Imported on first use, so that `import npl_cli` (and `npl --version`) stays light.
_EXPORTS = {
    "NplError": "npl_cli.errors",
    "Ledger": "npl_cli.ledger",
    "load_ledger": "npl_cli.ledger",
    "load_settings": "npl_cli.config",
    "triage": "npl_cli.pipeline",
    "limitation": "npl_cli.pipeline",
    "TriageFilters": "npl_cli.pipeline",
    "compute_deadlines": "npl_cli.deadlines",
    "deadline_settings": "npl_cli.pipeline",
}
__all__ = ["Ledger", "NplError", "TriageFilters", "__version__", "compute_deadlines",
           "deadline_settings", "limitation", "load_ledger", "load_settings", "triage"]  # fmt: skip

if TYPE_CHECKING:
    from npl_cli.config import load_settings
    from npl_cli.deadlines import compute_deadlines
    from npl_cli.errors import NplError
    from npl_cli.ledger import Ledger, load_ledger
    from npl_cli.pipeline import TriageFilters, deadline_settings, limitation, triage


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'npl_cli' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
