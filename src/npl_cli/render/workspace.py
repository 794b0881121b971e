"""Workspace listings on screen: snapshots, actions and a loan's history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.pipeline import LoanHistory
from npl_cli.render.mask import mask_names


def cell(value: Any) -> str:
    """A value as table text: missing as blank, dates as YYYY-MM-DD, floats with separators."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def table_of(frame: pd.DataFrame, columns: Sequence[str], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in frame[list(columns)].itertuples(index=False):
        table.add_row(*(cell(v) for v in row))
    return table


def render_snapshots(snapshots: pd.DataFrame, console: Console) -> None:
    console.print(
        table_of(
            snapshots,
            ["as_of", "file", "rows_read", "rows_used", "rows_rejected", "rows_skipped"],
            "snapshots",
        )
    )


ACTION_COLUMNS = ["id", "loan_id", "kind", "date", "party", "amount", "method", "evidence",
                  "promise_date", "promise_amount", "note"]  # fmt: skip


def render_actions(actions: pd.DataFrame, console: Console) -> None:
    console.print(table_of(actions, ACTION_COLUMNS, f"actions: {len(actions):,}"))


def render_history(history: LoanHistory, console: Console, *, mask: bool) -> None:
    snapshots = history.snapshots.copy()
    deadlines = history.deadlines.copy()
    if mask:
        snapshots["debtor_name"] = mask_names(snapshots["debtor_name"])
        deadlines["party"] = mask_names(deadlines["party"])
    console.print(
        table_of(
            snapshots,
            ["as_of", "file", "debtor_name", "balance", "dpd", "ledger_class", "overdue_since"],
            f"loan {history.loan_id}: snapshots",
        )
    )
    if not history.actions.empty:
        console.print(
            table_of(
                history.actions,
                [
                    "date",
                    "kind",
                    "party",
                    "amount",
                    "evidence",
                    "promise_date",
                    "promise_amount",
                    "promise_status",
                ],
                "actions",
            )
        )
    console.print(
        table_of(
            deadlines,
            ["moment", "kind", "party", "deadline", "status", "basis"],
            "deadlines then and now",
        )
    )
