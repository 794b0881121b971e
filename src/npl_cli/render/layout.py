"""A worklist as a table when the terminal is wide enough, else as one card per row.

A table squeezed below its natural width folds loan ids, dates and amounts mid-value; cards keep
every value whole at any width (an 80-column terminal, a pipe)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from npl_cli.render.sentence import Sentence

SEPARATOR = " · "
READABLE_TEXT = 24  # the narrowest a column of sentences (tactics, reasons) is worth showing


@dataclass(frozen=True)
class Card:
    """One row as a card: a lead (rank or loan id), a bold heading, then lines of fields; a
    field is (label, value), and the fields of one line are joined by ' · '."""

    lead: str
    heading: str
    lines: Sequence[Sequence[tuple[str, str]]]
    style: str | None = None


def field(label: str, value: str, lang: str) -> str:
    return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"


def fits(console: Console, probe: Table) -> bool:
    """Does a table fit with no value folded: a no-wrap column as wide as its widest cell,
    any other as its longest word (or its min_width)? `probe` is the table with its columns
    of sentences left blank: a Chinese sentence has no spaces, and would measure as one word."""
    unbounded = console.options.update_width(1_000_000)
    need = 0
    for column in probe.columns:
        sizes = [Measurement.get(console, unbounded, c) for c in (column.header, *column.cells)]
        widest = max(m.maximum if column.no_wrap else m.minimum for m in sizes)
        need += max(widest, column.min_width or 0) + 3  # padding either side and a rule
    return need + 1 <= console.width


def print_cards(
    console: Console, title: str, cards: Sequence[Card], *, lang: str, title_style: str = "bold"
) -> None:
    lead_width = max((cell_len(card.lead) for card in cards), default=0)
    width = console.width - lead_width - 1  # what the grid's second column gets
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for number, card in enumerate(cards):
        if number:
            grid.add_row("", "")
        grid.add_row(card.lead, Text(card.heading, style="bold"), style=card.style)
        for fields in card.lines:
            for line in _packed(fields, width, lang):
                grid.add_row("", Sentence(line), style=card.style)
    console.print(Text(title, style=title_style))
    console.print(grid)


def _packed(fields: Sequence[tuple[str, str]], width: int, lang: str) -> list[Text]:
    """The fields as lines of at most `width` cells, broken only between fields (a field
    longer than a line is left to wrap on its own)."""
    lines: list[Text] = []
    for label, value in fields:
        piece = Text(field(label, "", lang), style="dim")
        piece.append(value, style="")
        if lines and cell_len(lines[-1].plain) + cell_len(SEPARATOR) + piece.cell_len <= width:
            lines[-1].append(SEPARATOR, style="dim")
            lines[-1].append_text(piece)
        else:
            lines.append(piece)
    return lines
