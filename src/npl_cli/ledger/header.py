"""Find the header row(s) of a ledger among title rows, and name every column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from npl_cli.schema import canonical_for, normalize_header

Cell = str | None
SCAN_ROWS = 30  # title rows above a header rarely exceed a handful


@dataclass(frozen=True)
class Header:
    index: int  # 0-based index of the last header row among the scanned rows
    depth: int  # 1, or 2 for a two-row header with merged group cells
    names: list[str]


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell).strip()


def header_matcher(overrides: Mapping[str, str]) -> dict[str, str]:
    """Normalised header -> canonical name, from the user's [columns] mapping."""
    return {normalize_header(header): canonical for canonical, header in overrides.items()}


def match(cell: Cell, overrides: Mapping[str, str]) -> str | None:
    text = _text(cell)
    if not text:
        return None
    key = normalize_header(text)
    if key in overrides:
        return overrides[key]
    return canonical_for(text)[0]


def score(row: Sequence[Cell], overrides: Mapping[str, str]) -> int:
    return len({name for name in (match(cell, overrides) for cell in row) if name})


def find_header(
    rows: Sequence[Sequence[Cell]], overrides: Mapping[str, str], forced: int | None = None
) -> Header | None:
    """The best header among the first rows, or None when no row looks like a ledger header.

    `forced` is a 0-based row index the user chose (--header-row).
    """
    matcher = header_matcher(overrides)
    scores = [score(row, matcher) for row in rows[:SCAN_ROWS]]
    if forced is not None:
        best = forced
    else:
        if not scores or max(scores) < 2:
            return None
        best = scores.index(max(scores))
    # the header row(s) decide the width: an over-wide data row below is that row's fault
    own = rows[best] if best < len(rows) else []
    for top, sub in ((best - 1, best), (best, best + 1)):
        if 0 <= top and sub < len(rows):
            width = max(len(rows[top]), len(rows[sub]))
            upper, lower = _pad(rows[top], width), _pad(rows[sub], width)
            if _is_group_row(upper, lower, matcher):
                return Header(sub, 2, _combine(upper, lower, matcher))
    return Header(
        best, 1, _unique([_text(cell) or f"column_{i + 1}" for i, cell in enumerate(own)])
    )


def _pad(row: Sequence[Cell], width: int) -> list[Cell]:
    return list(row) + [None] * (width - len(row))


def _is_group_row(top: list[Cell], sub: list[Cell], matcher: Mapping[str, str]) -> bool:
    """Is (top, sub) a two-row header: top holds names where sub is empty (merged vertically)
    or group labels over several sub names?"""
    filled_top = [i for i, cell in enumerate(top) if _text(cell)]
    filled_sub = [i for i, cell in enumerate(sub) if _text(cell)]
    if len(filled_top) < 2 or len(filled_sub) < 2:
        return False
    top_only = [i for i in filled_top if not _text(sub[i])]
    sub_only = [i for i in filled_sub if not _text(top[i])]
    top_matches = any(match(top[i], matcher) for i in top_only)
    sub_matches = sum(1 for i in filled_sub if match(sub[i], matcher))
    return bool(top_only) and bool(sub_only) and top_matches and sub_matches >= 1


def _combine(top: list[Cell], sub: list[Cell], matcher: Mapping[str, str]) -> list[str]:
    names: list[str] = []
    group = ""
    for i, (upper, lower) in enumerate(zip(top, sub, strict=True)):
        upper_text, lower_text = _text(upper), _text(lower)
        if upper_text:
            group = upper_text
        elif not lower_text:
            group = ""
        if not lower_text:
            names.append(upper_text or f"column_{i + 1}")
        elif match(lower_text, matcher) or not group:
            names.append(lower_text)
        elif match(group + lower_text, matcher):
            names.append(group + lower_text)
        else:
            names.append(f"{group}/{lower_text}")
    return _unique(names)


def _unique(names: list[str]) -> list[str]:
    """Each name once: a repeat becomes NAME.2, NAME.3 … skipping any name the file already
    has (备注, 备注.2, 备注 -> 备注, 备注.2, 备注.3)."""
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        unique, count = name, 1
        while unique in seen or (unique != name and unique in taken):
            count += 1
            unique = f"{name}.{count}"
        seen.add(unique)
        out.append(unique)
    return out
