"""Messages in two languages. A `Said` is the English text (so logs, tests and scripts that
want a str get the stable English) that also carries its Chinese; stderr shows the one the
user's `--lang` asks for."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence

NOTE = {"zh": "提示：", "en": "note: "}
ERROR = {"zh": "npl：错误：", "en": "npl: error: "}


class Said(str):
    """English text with its Chinese in `.zh`."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Said:
        text = super().__new__(cls, en)
        text.zh = zh
        return text

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return str(self), self.zh  # pickled whole: the dask engine's notes cross processes


def said(en: str, zh: str) -> Said:
    return Said(en, zh)


class Tally(Said):
    """A note that counts something: notes of the parts of one ledger (the dask engine's
    partitions) with the same `key` add up to one note of the whole."""

    key: str
    number: int
    make: Callable[[int], Said]
    combine: Callable[[int, int], int]


def tally(
    key: str,
    count: int,
    make: Callable[[int], Said],
    combine: Callable[[int, int], int] = operator.add,
) -> Tally:
    """`make(count)`, remembering how to say another count and how two parts' counts combine
    (added, or `operator.or_` for a set of flags). `make` may say nothing (an empty text)."""
    made = make(count)
    note = Tally(str(made), made.zh)
    note.key, note.number, note.make, note.combine = key, count, make, combine
    return note


def merged_notes(parts: Iterable[Sequence[str]]) -> list[str]:
    """The notes of several parts as the notes of their whole, in order of first appearance:
    tallies with one key combined, other notes said once, empty notes dropped."""
    order: dict[str, str] = {}
    counts: dict[str, int] = {}
    for notes in parts:
        for note in notes:
            if isinstance(note, Tally):
                key = f"tally:{note.key}"
                counts[key] = (
                    note.combine(counts[key], note.number) if key in counts else note.number
                )
            else:
                key = f"text:{note}"
            order.setdefault(key, note)
    made = [note.make(counts[key]) if isinstance(note, Tally) else note
             for key, note in order.items()]  # fmt: skip
    return [note for note in made if note]


def in_lang(text: str, lang: str) -> str:
    """The text in `lang`: a Said's Chinese under zh, else the text itself."""
    if lang == "zh" and isinstance(text, Said):
        return text.zh
    return str(text)
