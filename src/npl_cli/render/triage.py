"""`npl triage` on screen: the top of the worklist and a footer of totals."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.pipeline import TriageResult
from npl_cli.render.labels import class_label, column_label, kind_label, tactic_label, type_label
from npl_cli.render.layout import READABLE_TEXT, Card, fits, print_cards
from npl_cli.render.mask import mask_for_screen
from npl_cli.render.sentence import Sentence

DEBTOR_SHOWN = ["rank", "debtor_name", "debtor_id", "loans", "balance", "dpd", "band",
                "risk_class", "debtor_type", "next_deadline_kind", "days_left", "priority",
                "tactics", "reasons", "next_step"]  # fmt: skip
LOAN_SHOWN = ["rank", "loan_id", "debtor_name", "balance", "dpd", "band", "risk_class",
              "ledger_class", "debtor_type", "next_deadline_kind", "days_left", "priority",
              "tactics", "reasons", "next_step"]  # fmt: skip
NUMERIC = {"rank", "loans", "balance", "dpd", "days_left", "priority"}
SENTENCES = {"tactics", "reasons", "next_step"}
KEPT_ZH = {"all": "全部", "overdue, a deadline or a promise due": "逾期、期限或承诺将至"}
# On a narrow terminal each row is a card: a heading, then these fields line by line.
DEBTOR_CARD = (["debtor_name", "debtor_id"],
               [["balance", "loans", "dpd", "band"], ["risk_class", "debtor_type", "priority"],
                ["next_deadline_kind", "days_left"], ["tactics"], ["reasons"],
                ["next_step"]])  # fmt: skip
LOAN_CARD = (["loan_id", "debtor_name"],
             [["balance", "dpd", "band"], ["risk_class", "ledger_class", "debtor_type", "priority"],
              ["next_deadline_kind", "days_left"], ["tactics"], ["reasons"],
              ["next_step"]])  # fmt: skip


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
            no_wrap=column not in SENTENCES,  # only sentences wrap: rich may crop others
            min_width=READABLE_TEXT if column in SENTENCES else None,
            max_width=40 if column in SENTENCES else None,
        )
    for _, row in display.iterrows():
        cells = [Sentence(str(row[c])) if c in SENTENCES else str(row[c]) for c in columns]
        table.add_row(*cells, style=_style(row))
    return table


def _style(row: pd.Series) -> str | None:
    return "yellow" if row["under"] is True else None  # under-classified: flag it


def _render_footer(result: TriageResult, console: Console, lang: str) -> None:
    """Totals by band, class and type side by side, or one under another when the terminal
    is too narrow for that; then the NPL share and the rows each filter kept."""
    groups = [(name, result.totals[name]) for name in ("band", "risk_class", "debtor_type")]
    title = "合计" if lang == "zh" else "totals"
    side_by_side = _totals_table(title, groups, lang)
    if fits(console, side_by_side):
        console.print(side_by_side)
    else:
        for group in groups:
            console.print(_totals_table(f"{title} · {column_label(group[0], lang)}", [group], lang))
    whole = result.portfolio
    if whole:
        ledger, floor = (whole["npl"][b]["ratio"] for b in ("ledger", "floor"))
        shown = [f"{r:.2%}" if r is not None else "—" for r in (ledger, floor)]
        console.print(
            Sentence(
                f"全部 {whole['loans']:,} 笔贷款的不良贷款率：按台账分类 {shown[0]}，按逾期下限 "
                f"{shown[1]}（npl report 详细）"
                if lang == "zh"
                else f"NPL ratio of all {whole['loans']:,} loans: {shown[0]} on the ledger's "
                f"class, {shown[1]} on the overdue floor (npl report for more)"
            )
        )
    npl, total = f"¥{result.npl_balance:,.0f}", f"¥{result.total_balance:,.0f}"
    console.print(
        Sentence(
            f"清单中不良（按下限）余额 {npl}，清单余额 {total}"
            if lang == "zh"
            else f"listed: NPL balance (floor) {npl} of {total}"
        )
    )
    kept = "保留行数" if lang == "zh" else "rows kept"
    console.print(
        Sentence(f"{kept}: " + " → ".join(f"{_kept_label(n, lang)} {c:,}" for n, c in result.kept))
    )


def _kept_label(name: str, lang: str) -> str:
    return KEPT_ZH.get(name, name) if lang == "zh" else name


def _totals_table(title: str, groups: list[tuple[str, pd.DataFrame]], lang: str) -> Table:
    labels = {"band": lambda v: v, "risk_class": lambda v: class_label(v, lang),
              "debtor_type": lambda v: type_label(v, lang)}  # fmt: skip
    table = Table(title=title, title_justify="left", show_edge=False)
    for name, _ in groups:
        table.add_column(column_label(name, lang), no_wrap=True)
        table.add_column("n", justify="right", no_wrap=True)
        table.add_column("¥", justify="right", no_wrap=True)
    for i in range(max((len(t) for _, t in groups), default=0)):
        cells: list[str] = []
        for name, totals in groups:
            if i < len(totals):
                value = str(totals.index[i])
                cells += [labels[name](value), f"{totals['count'].iloc[i]:,}",
                          f"{totals['balance'].iloc[i]:,.0f}"]  # fmt: skip
            else:
                cells += ["", "", ""]
        table.add_row(*cells)
    return table
