"""Workspace listings on screen: snapshots, actions and a loan's history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.pipeline import LoanHistory
from npl_cli.render.labels import code_label, column_label, kind_label
from npl_cli.render.layout import READABLE_TEXT, Card, fits, print_cards
from npl_cli.render.mask import mask_for_screen

AMOUNTS = {"balance", "amount", "promise_amount"}
FREE_TEXT = {
    "basis",
    "note",
    "evidence",
    "method",
    "purpose",
}  # may wrap; every other value is whole


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


def print_frame(
    console: Console, frame: pd.DataFrame, columns: Sequence[str], title: str, lang: str
) -> None:
    """The rows as a table, or as cards (headed by the first column) on a narrow terminal;
    headers in the words of `lang`."""
    labels = [column_label(name, lang) for name in columns]
    rows = [[cell(v, c) for v, c in zip(row, columns, strict=True)]
            for row in frame[list(columns)].itertuples(index=False)]  # fmt: skip
    free = [name in FREE_TEXT for name in columns]
    blank = [["" if f else v for v, f in zip(values, free, strict=True)] for values in rows]
    if fits(console, _table(columns, labels, blank, title)):
        console.print(_table(columns, labels, rows, title))
        return
    cards = []
    for values in rows:
        heading = f"{labels[0]} {values[0]}" if values[0].isdigit() else values[0]
        fields = [(label, value) for label, value in zip(labels[1:], values[1:], strict=True)]
        cards.append(Card(lead="", heading=heading, lines=[[f for f in fields if f[1]]]))
    print_cards(console, title, cards, lang=lang)


def _table(
    columns: Sequence[str], labels: Sequence[str], rows: Sequence[Sequence[str]], title: str
) -> Table:
    table = Table(title=title, title_justify="left")
    for name, label in zip(columns, labels, strict=True):
        table.add_column(label, overflow="fold", no_wrap=name not in FREE_TEXT,
                         min_width=READABLE_TEXT if name == "basis" else None)  # fmt: skip
    for values in rows:
        table.add_row(*values)
    return table


def render_snapshots(snapshots: pd.DataFrame, console: Console, *, lang: str) -> None:
    print_frame(
        console,
        snapshots,
        ["as_of", "file", "rows_read", "rows_used", "rows_rejected", "rows_skipped"],
        "snapshots",
        lang,
    )


ACTION_SHOWN = ["id", "loan_id", "action_kind", "date", "party", "amount", "method",
                  "evidence", "promise_date", "promise_amount", "note"]  # fmt: skip


def _action_words(actions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Actions with their kind (as `action_kind`) and promise status in the words of `lang`."""
    shown = actions.rename(columns={"kind": "action_kind"})
    for column in ("action_kind", "promise_status"):
        if column in shown:
            shown[column] = shown[column].map(lambda c: code_label(c, lang), na_action="ignore")
    return shown


def render_actions(
    actions: pd.DataFrame, console: Console, *, lang: str, mask: bool, loans: pd.DataFrame
) -> None:
    """The actions; masked, with the names of their `loans` hidden in notes too."""
    shown = _action_words(mask_for_screen(actions, loans) if mask else actions, lang)
    print_frame(console, shown, ACTION_SHOWN, f"actions: {len(actions):,}", lang)


def render_history(history: LoanHistory, console: Console, *, mask: bool, lang: str) -> None:
    snapshots = mask_for_screen(history.snapshots) if mask else history.snapshots.copy()
    deadlines = mask_for_screen(history.deadlines) if mask else history.deadlines.copy()
    actions = mask_for_screen(history.actions, history.snapshots) if mask else history.actions
    deadlines["kind"] = deadlines["kind"].map(lambda k: kind_label(k, lang))
    deadlines["status"] = deadlines["status"].map(lambda s: code_label(s, lang))
    print_frame(
        console,
        snapshots,
        ["as_of", "file", "debtor_name", "balance", "dpd", "ledger_class", "overdue_since"],
        f"loan {history.loan_id}: snapshots",
        lang,
    )
    if not actions.empty:
        print_frame(
            console,
            _action_words(actions, lang),
            ["date", "action_kind", "party", "amount", "evidence", "promise_date",
             "promise_amount", "promise_status"],
            "actions",
            lang,
        )  # fmt: skip
    print_frame(
        console,
        deadlines,
        ["moment", "kind", "party", "deadline", "status", "basis"],
        "deadlines then and now",
        lang,
    )


SUMMARY_ZH = {"path": "位置", "exists": "已存在", "schema_version": "结构版本",
              "snapshots": "快照数", "latest": "最新快照", "loans_in_latest": "最新快照贷款数",
              "actions": "催收记录数"}  # fmt: skip


def render_summary(summary: dict[str, object], console: Console, *, lang: str = "en") -> None:
    """The workspace's location and contents, one line each."""
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for key, value in summary.items():
        label = SUMMARY_ZH.get(key, key) if lang == "zh" else key.replace("_", " ")
        if isinstance(value, bool) and lang == "zh":
            value = "是" if value else "否"
        table.add_row(label, str(value))
    console.print(table)
