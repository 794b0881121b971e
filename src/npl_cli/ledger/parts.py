"""A ledger in parts: a folder or a glob of CSV, Excel or Parquet files, read part by part
(each with its own header) and, for the pandas engine, joined in name order."""

from __future__ import annotations

import dataclasses
import glob
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from npl_cli.errors import InputError
from npl_cli.ledger.load import Ledger, load_ledger
from npl_cli.ledger.read import CSV_SUFFIXES, EXCEL_SUFFIXES
from npl_cli.messages import said

PART_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | {".parquet"}


def part_paths(path: Path) -> list[Path] | None:
    """The parts a folder or a glob names, in name order; None when `path` is one file."""
    text = str(path)
    if path.is_dir():
        found = [p for p in path.iterdir() if p.is_file() and _is_part(p)]
    elif glob.has_magic(text) and not path.exists():
        found = [Path(p) for p in glob.glob(text) if Path(p).is_file() and _is_part(Path(p))]
    else:
        return None
    if not found:
        raise InputError(
            said(
                f"{path}: no ledger parts (.csv, .xlsx, .xls or .parquet files) found",
                f"{path}：未找到台账分片（.csv、.xlsx、.xls 或 .parquet 文件）",
            )
        )
    return sorted(found, key=lambda p: p.name)


def _is_part(path: Path) -> bool:
    return path.suffix.lower() in PART_SUFFIXES and not path.name.startswith((".", "~$"))


def read_part(path: Path, **options: Any) -> Ledger:
    """One part: a ledger file as `load_ledger` reads it (with `options`), or a Parquet file of
    canonical columns (`npl workspace export`'s loans: the latest snapshot in it)."""
    if path.suffix.lower() != ".parquet":
        return load_ledger(path, **options)
    frame = pd.read_parquet(path)
    if "snapshot" in frame and len(frame):
        frame = frame[frame["snapshot"] == frame["snapshot"].max()].drop(columns="snapshot")
    if "source_file" not in frame:
        frame["source_file"] = path.name
    if "source_row" not in frame:
        frame["source_row"] = range(1, len(frame) + 1)
    ledger = Ledger.from_frame(frame.reset_index(drop=True), path.name)
    if "loan_id" not in ledger.frame or "balance" not in ledger.frame:
        raise InputError(
            said(
                f"{path}: a Parquet part needs the canonical columns loan_id and balance (as "
                "`npl workspace export` writes them)",
                f"{path}：Parquet 分片须有标准列 loan_id 和 balance（即 `npl workspace export` "
                "导出的列）",
            )
        )
    return ledger


def joined(parts: list[Ledger], name: str) -> Ledger:
    """The parts as one ledger, rows in part order; counts added up, columns united."""
    first = parts[0]
    if len(parts) == 1:
        return dataclasses.replace(first, file=name)

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)

    mapping = {m.canonical: m for part in parts for m in part.mapping}
    extra = list(dict.fromkeys(c for part in parts for c in part.extra_columns))
    return dataclasses.replace(
        first,
        frame=stacked([part.frame for part in parts]),
        file=name,
        mapping=list(mapping.values()),
        rows_read=sum(part.rows_read for part in parts),
        rows_used=sum(part.rows_used for part in parts),
        rows_rejected=sum(part.rows_rejected for part in parts),
        rows_skipped=sum(part.rows_skipped for part in parts),
        skipped=dict(sum((Counter(part.skipped) for part in parts), Counter())),
        rejects=stacked([part.rejects for part in parts]),
        problems=stacked([part.problems for part in parts]),
        extra_columns=extra,
    )
