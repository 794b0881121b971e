"""A sentence for a table cell or a card that wraps between Chinese characters and at spaces,
but never inside a date, an amount, an id or a word: rich folds a spaceless Chinese sentence
anywhere, which splits "2026-12-18" or "¥190,964" across two lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text

# one piece a line may break before: a run of spaces, a run of anything that is neither space
# nor CJK (dates, amounts, ids, Latin words), or one CJK character with the punctuation that
# must not start a line (，。；：、）」 …) glued to it
_PIECE = re.compile(
    r"\s+"
    r"|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+[，。；：、）」』》！？%]*"
    r"|[（「『《]*[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef][，。；：、）」』》！？]*"
)


def pieces(text: str) -> list[str]:
    return _PIECE.findall(text)


class Sentence:
    """Wraps `text` to the width it is given; at least as wide as its longest piece."""

    def __init__(self, text: str | Text) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        parts = pieces(self.text.plain)
        longest = max((cell_len(p) for p in parts if not p.isspace()), default=0)
        return Measurement(longest, max(longest, self.text.cell_len))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = max(1, options.max_width)
        offsets, used, at = [], 0, 0
        for part in pieces(self.text.plain):
            size = cell_len(part)
            if used and used + size > width and not part.isspace():
                offsets.append(at)
                used = 0
            used += 0 if (used == 0 and part.isspace()) else size
            at += len(part)
        lines = self.text.divide(offsets)
        for line in lines:
            line.rstrip()
            if line.plain[:1].isspace():
                line = line[len(line.plain) - len(line.plain.lstrip()) :]
            line.no_wrap = True
            line.overflow = "fold"  # only a piece wider than the whole column is folded
            yield line
