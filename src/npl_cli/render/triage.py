"""`npl triage` on screen: the top of the worklist and a footer of totals."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.pipeline import TriageResult
from npl_cli.render.labels import class_label, column_label, kind_label, tactic_label, type_label
from npl_cli.render.layout import READABLE_TEXT, Card, fits, print_cards
from npl_cli.render.mask import mask_for_screen

DEBTOR_SHOWN = ["rank", "debtor_name", "debtor_id", "loans", "balance", "dpd", "band",
                "risk_class", "debtor_type", "next_deadline_kind", "days_left", "priority",
                "tactics", "reasons"]  # fmt: skip
LOAN_SHOWN = ["rank", "loan_id", "debtor_name", "balance", "dpd", "band", "risk_class",
              "ledger_class", "debtor_type", "next_deadline_kind", "days_left", "priority",
              "tactics", "reasons"]  # fmt: skip
NUMERIC = {"rank", "loans", "balance", "dpd", "days_left", "priority"}
WHOLE_VALUES = NUMERIC | {"loan_id", "debtor_id", "debtor_name", "band"}  # never folded
SENTENCES = {"tactics", "reasons"}
# On a narrow terminal each row is a card: a heading, then these fields line by line.
DEBTOR_CARD = (["debtor_name", "debtor_id"],
               [["balance", "loans", "dpd", "band"], ["risk_class", "debtor_type", "priority"],
                ["next_deadline_kind", "days_left"], ["tactics"], ["reasons"]])  # fmt: skip
LOAN_CARD = (["loan_id", "debtor_name"],
             [["balance", "dpd", "band"], ["risk_class", "ledger_class", "debtor_type", "priority"],
              ["next_deadline_kind", "days_left"], ["tactics"], ["reasons"]])  # fmt: skip


def _display(rows: pd.DataFrame, lang: str, mask: bool) -> pd.DataFrame:
    shown = mask_for_screen(rows) if mask else rows.copy()
    shown["balance"] = shown["balance"].map(lambda v: f"{v:,.0f}")
    shown["dpd"] = shown["dpd"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    shown["priority"] = shown["priority"].map(lambda v: f"{v:,.1f}")
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
    title = _title(result, len(rows), lang)
    display = _display(rows, lang, mask)
    blank = display.assign(**dict.fromkeys(SENTENCES, ""))
    if fits(console, _table(blank, shown_columns, lang, title)):
        console.print(_table(display, shown_columns, lang, title))
    else:
        heading, lines = LOAN_CARD if result.by == "loan" else DEBTOR_CARD
        cards = [
            Card(
                lead=str(row["rank"]),
                heading="  ".join(str(row[c]) for c in heading),
                lines=[
                    [(column_label(c, lang), str(row[c])) for c in line if row[c] != ""]
                    for line in lines
                ],
                style=_style(row),
            )
            for _, row in display.iterrows()
        ]
        print_cards(console, title, cards, lang=lang)
    _render_footer(result, console, lang)


def _title(result: TriageResult, shown: int, lang: str) -> str:
    day, total = f"{result.as_of:%Y-%m-%d}", len(result.rows)
    if lang == "zh":
        unit = "笔贷款" if result.by == "loan" else "户"
        return f"清收清单（{day}）：共 {total:,} {unit}，列出前 {shown:,}"
    unit = "loans" if result.by == "loan" else "debtors"
    return f"worklist as of {day}: top {shown:,} of {total:,} {unit}"


def _table(display: pd.DataFrame, columns: list[str], lang: str, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(
            column_label(column, lang),
            overflow="fold",
            justify="right" if column in NUMERIC else "left",
            no_wrap=column in WHOLE_VALUES,
            min_width=READABLE_TEXT if column in SENTENCES else None,
            max_width=40 if column in SENTENCES else None,
        )
    for _, row in display.iterrows():
        table.add_row(*(str(row[c]) for c in columns), style=_style(row))
    return table


def _style(row: pd.Series) -> str | None:
    return "yellow" if row["under"] is True else None  # under-classified: flag it


def _render_footer(result: TriageResult, console: Console, lang: str) -> None:
    labels = {
        "band": lambda v: v,
        "risk_class": lambda v: class_label(v, lang),
        "debtor_type": lambda v: type_label(v, lang),
    }
    footer = Table(
        title="合计" if lang == "zh" else "totals", title_justify="left", show_edge=False
    )
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
    npl, total = f"¥{result.npl_balance:,.0f}", f"¥{result.total_balance:,.0f}"
    console.print(
        f"不良余额 {npl}，占余额 {total} 的 {share:.1%}"
        if lang == "zh"
        else f"NPL balance (不良余额) {npl} of {total} ({share:.1%})"
    )
    console.print("rows kept: " + " → ".join(f"{name} {count:,}" for name, count in result.kept))
