"""How a ledger was read, on screen."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.ledger import Ledger, analyses
from npl_cli.render.mask import mask_free_text, mask_ids
from npl_cli.schema import COLUMN_BY_NAME

SHOWN_PROBLEMS = 20


def render_inspect(ledger: Ledger, console: Console, *, mask: bool = True) -> None:
    where = f"sheet {ledger.sheet!r}, " if ledger.sheet else ""
    encoding = f", encoding {ledger.encoding}" if ledger.encoding else ""
    console.print(f"[bold]{ledger.file}[/bold]: {where}header at row {ledger.header_row}{encoding}")

    mapping = Table(title="Columns (canonical ← header)", title_justify="left")
    for name in ("canonical", "中文", "header in file", "unit"):
        mapping.add_column(name)
    for m in ledger.mapping:
        unit = f"×{m.factor:,.0f} → yuan" if m.factor != 1 else ""
        mapping.add_row(m.canonical, COLUMN_BY_NAME[m.canonical].label_zh, m.header, unit)
    for header in ledger.extra_columns:
        mapping.add_row("[dim](kept as is)[/dim]", "", header, "")
    console.print(mapping)

    skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(ledger.skipped.items()))
    console.print(
        f"rows read {ledger.rows_read:,} = used {ledger.rows_used:,} + rejected "
        f"{ledger.rows_rejected:,} + skipped {ledger.rows_skipped:,}"
        + (f" ({skipped})" if skipped else "")
    )
    names = [ledger.frame[c] for c in ("debtor_name", "guarantors") if c in ledger.frame]
    known = pd.concat(names, ignore_index=True) if names else pd.Series(dtype="string")
    _render_problems(ledger.problems, console, mask=mask, names=known)

    enabled = analyses(ledger)
    table = Table(title="Analyses", title_justify="left")
    table.add_column("analysis")
    table.add_column("status")
    for name, missing in enabled.items():
        table.add_row(name, "[green]enabled[/green]" if missing is None else f"[yellow]{missing}")
    console.print(table)


def _render_problems(
    problems: pd.DataFrame, console: Console, *, mask: bool, names: pd.Series
) -> None:
    if problems.empty:
        console.print("[green]no problems found[/green]")
        return
    counts = problems["severity"].value_counts()
    summary = ", ".join(f"{counts[s]:,} {s}s" for s in ("error", "warning") if s in counts)
    table = Table(
        title=f"Problems ({summary}; first {min(SHOWN_PROBLEMS, len(problems))})",
        title_justify="left",
    )
    for name in ("row", "column", "value", "message", "severity"):
        table.add_column(name, overflow="fold")
    shown = problems.head(SHOWN_PROBLEMS).copy()
    if mask:
        shown["value"] = _mask_values(shown["value"], shown["column"].isna(), names)
    for row in shown.itertuples(index=False):
        style = "red" if row.severity == "error" else "yellow"
        table.add_row(
            str(row.row),
            str(row.column or ""),
            str(_blank(row.value)),
            str(row.message),
            f"[{style}]{row.severity}[/{style}]",
        )
    console.print(table)


def _mask_values(values: pd.Series, whole_rows: pd.Series, names: pd.Series) -> pd.Series:
    """Cells as found with ID and phone numbers and the ledger's names masked; a whole raw row
    (a malformed line) also has every run of 2-4 Chinese characters masked, since its names
    were never read as names."""
    text = mask_free_text(values, names)
    looks_like_id = text.str.fullmatch(r"[0-9A-Za-z.+]{15,}").fillna(False).astype(bool)
    text = text.where(~looks_like_id, mask_ids(text))
    raw = whole_rows.to_numpy(dtype=bool)
    text[raw] = text[raw].str.replace(
        r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[\u4e00-\u9fff]{1,3}(?![\u4e00-\u9fff])",
        r"\1*",
        regex=True,
    )
    return text


def _blank(value: object) -> object:
    return (
        ""
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA
        else value
    )
