"""`npl rolls` on screen: the roll-rate matrix between two snapshots."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from npl_cli.pipeline import GONE, RollRates
from npl_cli.render.layout import Card, fits, print_cards

GONE_LABEL = {"zh": "已结清或移出", "en": "gone"}


def render_rolls(result: RollRates, console: Console, *, lang: str) -> None:
    """Rows: the band at the start; columns: the band a snapshot later (or gone); cells: the
    share of the starting band's balance, with its number of loans when the terminal has room."""
    table = _matrix(result, lang, with_counts=True)
    if not fits(console, table):
        table = _matrix(result, lang, with_counts=False)
    if fits(console, table):
        console.print(table)
    else:  # too narrow for a column per band: a card per starting band
        print_cards(console, _title(result, lang, ""), _cards(result, lang), lang=lang)
    loans, balance = f"{result.new_loans:,}", f"¥{result.new_balance:,.0f}"
    console.print(
        f"新增贷款 {loans} 笔，余额 {balance}" if lang == "zh" else f"new loans: {loans}, {balance}"
    )


def _cards(result: RollRates, lang: str) -> list[Card]:
    cards = []
    for start_band, cells in result.rows.groupby("from_band", sort=False):
        shares = cells["balance_share"].astype(float).tolist()
        counts = cells["loans"].astype(int).tolist()
        fields = [
            (GONE_LABEL[lang] if band == GONE else str(band), _cell(share, count, True))
            for band, share, count in zip(cells["to_band"], shares, counts, strict=True)
        ]
        total = f"¥{cells['balance'].sum():,.0f} ({cells['loans'].sum():,})"
        cards.append(Card(lead=str(start_band), heading=total, lines=[fields]))
    return cards


def _title(result: RollRates, lang: str, counts: str) -> str:
    span = f"{result.start:%Y-%m-%d} → {result.end:%Y-%m-%d}"
    return (
        f"迁徙率 {span}（按起始余额占比{counts}）"
        if lang == "zh"
        else f"roll rates {span} (share of each band's balance{counts})"
    )


def _matrix(result: RollRates, lang: str, *, with_counts: bool) -> Table:
    counts = ("，括号内为笔数" if lang == "zh" else "; loans in brackets") if with_counts else ""
    table = Table(title=_title(result, lang, counts), title_justify="left")
    table.add_column("账龄" if lang == "zh" else "from", no_wrap=True)
    for band in result.bands:
        table.add_column(GONE_LABEL[lang] if band == GONE else band, justify="right", no_wrap=True)
    total_label = {"zh": "起始余额", "en": "balance"}[lang]
    if with_counts:
        total_label += "（笔数）" if lang == "zh" else " (loans)"
    table.add_column(total_label, justify="right", no_wrap=True)
    for start_band, cells in result.rows.groupby("from_band", sort=False):
        share = dict(zip(cells["to_band"], cells["balance_share"].astype(float), strict=True))
        count = dict(zip(cells["to_band"], cells["loans"].astype(int), strict=True))
        shown = [_cell(share[band], count[band], with_counts) if band in count else ""
                 for band in result.bands]  # fmt: skip
        total = f"{cells['balance'].sum():,.0f}"
        if with_counts:
            total += f" ({cells['loans'].sum():,})"
        table.add_row(str(start_band), *shown, total)
    return table


def _cell(share: float, loans: int, with_counts: bool) -> str:
    text = f"{share:.1%}" if share == share else "–"  # NaN: the band's balance was nil
    return f"{text} ({loans:,})" if with_counts else text
