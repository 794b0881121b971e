"""`npl triage` on screen: the top of the worklist and a footer of totals."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.pipeline import TriageResult
from npl_cli.render.labels import class_label, column_label, kind_label, tactic_label, type_label
from npl_cli.render.mask import mask_ids, mask_names

DEBTOR_SHOWN = ["rank", "debtor_name", "debtor_id", "loans", "balance", "dpd", "band",
                "risk_class", "debtor_type", "next_deadline_kind", "days_left", "priority",
                "tactics", "reasons"]  # fmt: skip
LOAN_SHOWN = ["rank", "loan_id", "debtor_name", "balance", "dpd", "band", "risk_class",
              "ledger_class", "debtor_type", "next_deadline_kind", "days_left", "priority",
              "tactics", "reasons"]  # fmt: skip
NUMERIC = {"rank", "loans", "balance", "dpd", "days_left", "priority"}


def _display(rows: pd.DataFrame, lang: str, mask: bool) -> pd.DataFrame:
    shown = rows.copy()
    if mask:
        shown["debtor_name"] = mask_names(shown["debtor_name"])
        shown["debtor_id"] = mask_ids(shown["debtor_id"])
    shown["balance"] = shown["balance"].map(lambda v: f"{v:,.0f}")
    shown["risk_class"] = shown["risk_class"].map(lambda c: class_label(c, lang))
    shown["debtor_type"] = shown["debtor_type"].map(lambda t: type_label(t, lang))
    shown["next_deadline_kind"] = shown["next_deadline_kind"].map(
        lambda k: kind_label(k, lang) if isinstance(k, str) else ""
    )
    separator = "、" if lang == "zh" else ", "
    shown["tactics"] = shown["tactics"].map(
        lambda codes: (
            separator.join(tactic_label(c, lang) for c in str(codes).split(";") if c)
            if isinstance(codes, str)
            else ""
        )
    )
    shown["under"] = rows["under_classified"]
    return shown.astype(object).where(shown.notna(), "")


def render_triage(
    result: TriageResult, console: Console, *, lang: str, mask: bool, top: int
) -> None:
    rows = result.rows.head(top)
    shown_columns = LOAN_SHOWN if result.by == "loan" else DEBTOR_SHOWN
    title = (
        f"worklist as of {result.as_of:%Y-%m-%d}: top {len(rows):,} of "
        f"{len(result.rows):,} {'loans' if result.by == 'loan' else 'debtors'}"
    )
    table = Table(title=title, title_justify="left")
    for column in shown_columns:
        table.add_column(
            column_label(column, lang),
            overflow="fold",
            justify="right" if column in NUMERIC else "left",
            max_width=40 if column in ("reasons", "tactics") else None,
        )
    display = _display(rows, lang, mask)
    for _, row in display.iterrows():
        style = "yellow" if row["under"] is True else None
        table.add_row(*(str(row[c]) for c in shown_columns), style=style)
    console.print(table)
    _render_footer(result, console, lang)


def _render_footer(result: TriageResult, console: Console, lang: str) -> None:
    labels = {
        "band": lambda v: v,
        "risk_class": lambda v: class_label(v, lang),
        "debtor_type": lambda v: type_label(v, lang),
    }
    footer = Table(title="totals", title_justify="left", show_edge=False)
    for name in ("band", "risk_class", "debtor_type"):
        footer.add_column(column_label(name, lang))
        footer.add_column("n / ¥", justify="right")
    totals = result.totals
    height = max((len(t) for t in totals.values()), default=0)
    for i in range(height):
        cells: list[str] = []
        for name in ("band", "risk_class", "debtor_type"):
            table = totals[name]
            if i < len(table):
                value = str(table.index[i])
                cells += [
                    labels[name](value),
                    f"{table['count'].iloc[i]:,} / {table['balance'].iloc[i]:,.0f}",
                ]
            else:
                cells += ["", ""]
        footer.add_row(*cells)
    console.print(footer)
    share = result.npl_balance / result.total_balance if result.total_balance else 0.0
    console.print(
        f"NPL balance (不良余额) ¥{result.npl_balance:,.0f} of ¥{result.total_balance:,.0f}"
        f" ({share:.1%})"
    )
    console.print("rows kept: " + " → ".join(f"{name} {count:,}" for name, count in result.kept))
