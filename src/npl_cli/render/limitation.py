"""`npl limitation` on screen: deadlines grouped by urgency, nearest first."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from npl_cli.pipeline import LimitationResult
from npl_cli.render.labels import column_label, kind_label
from npl_cli.render.layout import READABLE_TEXT, Card, field, fits, print_cards
from npl_cli.render.mask import mask_for_screen
from npl_cli.render.sentence import Sentence

SHOWN = ["loan_id", "debtor_name", "party", "kind", "deadline", "act_by", "last_day", "days_left",
         "basis", "action", "balance"]  # fmt: skip
SENTENCES = {"basis", "action"}
CARD_LINES = [["kind", "deadline", "act_by", "last_day", "days_left", "balance"], ["basis"],
              ["action"]]  # fmt: skip


GROUP_TITLES = {
    "zh": {"expired": "已届满", "urgent": "{urgent}天内届满", "due": "{window}天内届满",
           "in_litigation": "诉讼中", "ok": "未到期", "met": "已保全", "not_started": "未起算"},
    "en": {"expired": "expired", "urgent": "due within {urgent} days",
           "due": "due within {window} days", "in_litigation": "in litigation",
           "ok": "later", "met": "met", "not_started": "not started"},
}  # fmt: skip
GROUP_STYLES = {"expired": "red", "urgent": "bold red", "due": "yellow", "in_litigation": "cyan",
                "ok": "green", "met": "dim", "not_started": "dim"}  # fmt: skip


def _groups(rows: pd.DataFrame, urgent_days: int) -> list[tuple[str, pd.DataFrame]]:
    status = rows["status"]
    soon = (status == "due") & (rows["days_left"].astype("Float64") <= urgent_days).fillna(False)
    return [
        ("expired", rows[status == "expired"]),
        ("urgent", rows[soon]),
        ("due", rows[(status == "due") & ~soon]),
        ("in_litigation", rows[status == "in_litigation"]),
        ("ok", rows[status == "ok"]),
        ("met", rows[status == "met"]),
        ("not_started", rows[status == "not_started"]),
    ]


def _display(rows: pd.DataFrame, lang: str, mask: bool) -> pd.DataFrame:
    shown = mask_for_screen(rows) if mask else rows.copy()
    shown["kind"] = shown["kind"].map(lambda k: kind_label(k, lang))
    for column in ("deadline", "act_by", "last_day"):
        shown[column] = shown[column].dt.strftime("%Y-%m-%d").fillna("")
    shown["balance"] = shown["balance"].map(lambda v: f"{v:,.2f}")
    shown["days_left"] = shown["days_left"].astype("string").fillna("")
    return shown.fillna("")


def render_limitation(
    result: LimitationResult, console: Console, *, lang: str, mask: bool, top: int | None = None
) -> None:
    rows = result.rows
    if rows.empty:
        nothing = (
            f"{result.window_days} 天内无到期期限，也无已届满期限"
            if lang == "zh"
            else f"nothing due within {result.window_days} days and nothing expired"
        )
        console.print(Text(nothing, style="green"))
    room = len(rows) if top is None else top
    for group_name, group in _groups(rows, result.urgent_days):
        if group.empty or room <= 0:
            continue
        listed = group.head(room)
        room -= len(listed)
        title = GROUP_TITLES[lang][group_name].format(
            urgent=result.urgent_days, window=result.window_days
        )
        style = GROUP_STYLES[group_name]
        heading = f"{title}：{len(group):,}" if lang == "zh" else f"{title}: {len(group):,}"
        if len(listed) < len(group):
            heading += f"（列出 {len(listed):,}）" if lang == "zh" else f" ({len(listed):,} listed)"
        display = _display(listed, lang, mask)
        styled = f"[{style}]{heading}[/{style}]"
        if fits(console, _table(display.assign(**dict.fromkeys(SENTENCES, "")), lang, styled)):
            console.print(_table(display, lang, styled))
        else:
            cards = [_card(row, lang) for _, row in display.iterrows()]
            print_cards(console, heading, cards, lang=lang, title_style=f"bold {style}")
    if top is not None and len(result.rows) > top:
        more = len(result.rows) - top
        console.print(
            Sentence(
                Text(
                    f"另有 {more:,} 条未列出；全部写入文件：--format csv|xlsx -o 文件"
                    if lang == "zh"
                    else f"{more:,} more not listed; write them all with --format csv|xlsx -o FILE",
                    style="dim",
                )
            )
        )


def _table(display: pd.DataFrame, lang: str, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in SHOWN:
        table.add_column(
            column_label(column, lang),
            overflow="fold",
            justify="right" if column in ("days_left", "balance") else "left",
            no_wrap=column not in SENTENCES,  # only sentences wrap: rich may crop others
            min_width=READABLE_TEXT if column in SENTENCES else None,
            max_width=48 if column in SENTENCES else None,
        )
    for row in display[SHOWN].itertuples(index=False):
        table.add_row(
            *(
                Sentence(str(v)) if c in SENTENCES else str(v)
                for c, v in zip(SHOWN, row, strict=True)
            )
        )
    return table


def _card(row: pd.Series, lang: str) -> Card:
    party = f"  {field(column_label('party', lang), row['party'], lang)}" if row["party"] else ""
    return Card(
        lead="",
        heading=f"{row['loan_id']}  {row['debtor_name']}{party}",
        lines=[
            [(column_label(c, lang), str(row[c])) for c in line if row[c] != ""]
            for line in CARD_LINES
        ],
    )
