"""How a ledger was read, on screen."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.ledger import Ledger, analyses
from npl_cli.render.mask import mask_free_text, mask_ids
from npl_cli.schema import COLUMN_BY_NAME

SHOWN_PROBLEMS = 20
WORDS: dict[str, dict[str, Any]] = {
    "en": {"sheet": "sheet {}, ", "header": "header at row {}", "encoding": ", encoding {}",
           "columns": "Columns (canonical ← header)", "mapping": ("canonical", "中文",
           "header in file", "unit"), "yuan": "×{} → yuan", "kept": "(kept as is)",
           "rows": "rows read {:,} = used {:,} + rejected {:,} + skipped {:,}",
           "analyses": "Analyses", "analysis": ("analysis", "status"), "enabled": "enabled",
           "none": "no problems found", "problems": "Problems ({}; first {})",
           "problem": ("row", "column", "value", "message", "severity"),
           "error": "errors", "warning": "warnings"},
    "zh": {"sheet": "工作表 {}，", "header": "表头在第 {} 行", "encoding": "，编码 {}",
           "columns": "列映射（标准列 ← 文件列名）", "mapping": ("标准列", "中文", "文件中的列名",
           "单位"), "yuan": "×{} → 元", "kept": "（原样保留）",
           "rows": "读入 {:,} 行 = 使用 {:,} + 剔除 {:,} + 跳过 {:,}",
           "analyses": "可做的分析", "analysis": ("分析", "状态"), "enabled": "可用",
           "none": "未发现问题", "problems": "问题（{}；前 {} 条）",
           "problem": ("行", "列", "值", "说明", "级别"), "error": "错误",
           "warning": "警告"},
}  # fmt: skip


def render_inspect(
    ledger: Ledger, console: Console, *, mask: bool = True, lang: str = "en"
) -> None:
    words = WORDS[lang]
    where = words["sheet"].format(repr(ledger.sheet)) if ledger.sheet else ""
    encoding = words["encoding"].format(ledger.encoding) if ledger.encoding else ""
    header = words["header"].format(ledger.header_row)
    console.print(f"[bold]{ledger.file}[/bold]: {where}{header}{encoding}")

    mapping = Table(title=words["columns"], title_justify="left")
    for name in words["mapping"]:
        mapping.add_column(name)
    for m in ledger.mapping:
        unit = words["yuan"].format(f"{m.factor:,.0f}") if m.factor != 1 else ""
        mapping.add_row(m.canonical, COLUMN_BY_NAME[m.canonical].label_zh, m.header, unit)
    for extra in ledger.extra_columns:
        mapping.add_row(f"[dim]{words['kept']}[/dim]", "", extra, "")
    console.print(mapping)

    skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(ledger.skipped.items()))
    console.print(
        words["rows"].format(
            ledger.rows_read, ledger.rows_used, ledger.rows_rejected, ledger.rows_skipped
        )
        + (f" ({skipped})" if skipped else "")
    )
    names = [ledger.frame[c] for c in ("debtor_name", "guarantors") if c in ledger.frame]
    known = pd.concat(names, ignore_index=True) if names else pd.Series(dtype="string")
    _render_problems(ledger.problems, console, mask=mask, names=known, words=words)

    enabled = analyses(ledger)
    table = Table(title=words["analyses"], title_justify="left")
    for name in words["analysis"]:
        table.add_column(name)
    for name, missing in enabled.items():
        status = f"[green]{words['enabled']}[/green]" if missing is None else f"[yellow]{missing}"
        table.add_row(name, status)
    console.print(table)


def _render_problems(
    problems: pd.DataFrame,
    console: Console,
    *,
    mask: bool,
    names: pd.Series,
    words: dict[str, Any],
) -> None:
    if problems.empty:
        console.print(f"[green]{words['none']}[/green]")
        return
    counts = problems["severity"].value_counts()
    summary = ", ".join(f"{counts[s]:,} {words[s]}" for s in ("error", "warning") if s in counts)
    table = Table(
        title=words["problems"].format(summary, min(SHOWN_PROBLEMS, len(problems))),
        title_justify="left",
    )
    for name in words["problem"]:
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
