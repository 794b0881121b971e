"""Workspace listings on screen: snapshots, actions and a loan's history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.pipeline import LoanHistory
from npl_cli.render.layout import READABLE_TEXT, Card, fits, print_cards
from npl_cli.render.mask import mask_names

AMOUNTS = {"balance", "amount", "promise_amount"}
FREE_TEXT = {"file", "basis", "note", "evidence", "method"}  # may wrap; every other value is whole


def cell(value: Any, column: str = "") -> str:
    """A value as table text: missing as blank, dates as YYYY-MM-DD, amounts with separators
    and fen, other numbers as they are (a dpd of 167, not 167.00)."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return f"{value:,.2f}" if column in AMOUNTS or not value.is_integer() else f"{value:.0f}"
    return str(value)


def print_frame(console: Console, frame: pd.DataFrame, columns: Sequence[str], title: str) -> None:
    """The rows as a table, or as cards (headed by the first column) on a narrow terminal."""
    rows = [[cell(v, c) for v, c in zip(row, columns, strict=True)]
            for row in frame[list(columns)].itertuples(index=False)]  # fmt: skip
    table = Table(title=title, title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold", no_wrap=name not in FREE_TEXT,
                         min_width=READABLE_TEXT if name == "basis" else None)  # fmt: skip
    for values in rows:
        table.add_row(*values)
    if fits(console, table):
        console.print(table)
        return
    cards = [
        Card(
            lead="",
            heading=values[0],
            lines=[
                [
                    (name, value)
                    for name, value in zip(columns[1:], values[1:], strict=True)
                    if value
                ]
            ],
        )  # fmt: skip
        for values in rows
    ]
    print_cards(console, title, cards, lang="en")


def render_snapshots(snapshots: pd.DataFrame, console: Console) -> None:
    print_frame(
        console,
        snapshots,
        ["as_of", "file", "rows_read", "rows_used", "rows_rejected", "rows_skipped"],
        "snapshots",
    )


ACTION_COLUMNS = ["id", "loan_id", "kind", "date", "party", "amount", "method", "evidence",
                  "promise_date", "promise_amount", "note"]  # fmt: skip


def render_actions(actions: pd.DataFrame, console: Console) -> None:
    print_frame(console, actions, ACTION_COLUMNS, f"actions: {len(actions):,}")


def render_history(history: LoanHistory, console: Console, *, mask: bool) -> None:
    snapshots = history.snapshots.copy()
    deadlines = history.deadlines.copy()
    if mask:
        snapshots["debtor_name"] = mask_names(snapshots["debtor_name"])
        deadlines["party"] = mask_names(deadlines["party"])
    print_frame(
        console,
        snapshots,
        ["as_of", "file", "debtor_name", "balance", "dpd", "ledger_class", "overdue_since"],
        f"loan {history.loan_id}: snapshots",
    )
    if not history.actions.empty:
        print_frame(
            console,
            history.actions,
            ["date", "kind", "party", "amount", "evidence", "promise_date", "promise_amount",
             "promise_status"],
            "actions",
        )  # fmt: skip
    print_frame(
        console,
        deadlines,
        ["moment", "kind", "party", "deadline", "status", "basis"],
        "deadlines then and now",
    )
