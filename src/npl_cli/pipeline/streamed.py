"""The pandas engine on a ledger in parts bigger than memory: one part at a time.

Every part is read, its loans placed in the whole ledger (part, row) and split by a hash of
their debtor key into buckets, spilled to Arrow files; then every bucket (all the loans of
its debtors) goes through the same per-debtor steps as the whole ledger would, and the
results are ranked together. Memory holds one part or one bucket and the results, never the
whole book; the output is the same as reading the whole book at once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from npl_cli.config import Settings
from npl_cli.ledger import Ledger
from npl_cli.ledger.parts import joined, read_part
from npl_cli.messages import said
from npl_cli.pipeline.limitation import LimitationResult
from npl_cli.pipeline.limitation import merged as merged_limitation
from npl_cli.pipeline.partitioned import (
    KEY,
    deadlines_of,
    guarantor_fields,
    placed,
    watch_of,
    whole_signals,
    without_frame,
    worklist_of,
)
from npl_cli.pipeline.triage import TriageResult, ranked_worklist, worklist_part
from npl_cli.pipeline.watch import WatchResult, ranked_watch, watch_part
from npl_cli.progress import QUIET, Progress

MEMORY_PER_CSV_BYTE = 8  # a ledger read whole needs about this many bytes per byte of CSV


def worth_streaming(parts: Sequence[Path], available: int | None = None) -> bool:
    """Whether the parts, read whole, would take more than half the memory available."""
    size = sum(p.stat().st_size for p in parts)
    free = available if available is not None else _available_memory()
    return len(parts) > 1 and size * MEMORY_PER_CSV_BYTE > free // 2


def _available_memory() -> int:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): assume 8 GiB
        return 8 << 30


@contextmanager
def _spill(beside: Path | None) -> Iterator[Path]:
    """A folder for the buckets beside the output (they hold personal data: never the shared
    temp folder), removed however the run ends."""
    where = beside.parent if beside is not None else Path.cwd()
    with tempfile.TemporaryDirectory(prefix=".npl-buckets-", dir=where) as folder:
        yield Path(folder)


def _bucket_of(keys: pd.Series, buckets: int) -> np.ndarray:
    hashed = pd.util.hash_array(keys.fillna("").to_numpy(dtype=object))
    return (hashed % np.uint64(buckets)).astype(np.int64)


def _split(
    parts: Sequence[Path],
    read_options: dict[str, Any],
    spill: Path,
    on_part: Callable[[pd.DataFrame], None] = lambda frame: None,
    progress: Progress = QUIET,
) -> tuple[list[list[Path]], list[Ledger]]:
    """Every part read once, its loans written to one Arrow file per bucket of debtors (as
    many buckets as parts, so a bucket is about a part's size) and shown to `on_part`; the
    files of each bucket, and how each part was read."""
    files: list[list[Path]] = [[] for _ in parts]
    summaries = []
    advance = progress.task(said(f"reading {len(parts)} parts", f"读取 {len(parts)} 个分片"),
                            len(parts))  # fmt: skip
    for index, path in enumerate(parts):
        ledger = read_part(path, **read_options)
        frame = placed(ledger, index, keyed=True)
        summaries.append(without_frame(ledger))
        del ledger
        on_part(frame)
        chosen = _bucket_of(frame[KEY], len(parts))
        for bucket in np.unique(chosen):
            target = spill / f"bucket-{bucket:04d}-part-{index:06d}.arrow"
            table = pa.Table.from_pandas(frame[chosen == bucket], preserve_index=False)
            feather.write_feather(table, target, compression="uncompressed")
            files[bucket].append(target)
        del frame
        advance(1)
    return files, summaries


def _buckets(files: list[list[Path]], progress: Progress) -> Iterator[pd.DataFrame]:
    """Each bucket's loans in turn, its files removed once read."""
    advance = progress.task(said("computing by debtor (buckets)", "按借款人分桶计算"), len(files))
    for bucket in files:
        if bucket:
            yield _bucket(bucket)
        advance(1)


def _bucket(files: list[Path]) -> pd.DataFrame:
    frames = [feather.read_table(f, memory_map=False).to_pandas() for f in files]
    for f in files:
        f.unlink()  # read: the disk holds at most one copy of the book
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def triage(
    parts: Sequence[Path],
    settings: Settings,
    *,
    name: str,
    read_options: dict[str, Any],
    as_of: pd.Timestamp,
    by: str = "debtor",
    top: int | None = None,
    beside: Path | None = None,
    progress: Progress = QUIET,
    **kwargs: Any,
) -> tuple[TriageResult, Ledger]:
    """triage's worklist of the ledger in `parts`, bucket by bucket."""
    options = {"settings": settings, "as_of": as_of, "by": by, **kwargs}
    with _spill(beside) as spill:
        files, summaries = _split(parts, read_options, spill, progress=progress)
        found = [worklist_of(loans, name, options) for loans in _buckets(files, progress)]
    read = joined(summaries, name)
    pieces = [piece for piece in found if piece is not None] or [worklist_part(read, **options)]
    result = ranked_worklist(pieces, settings, as_of=as_of, by=by, top=top,
                             extra=kwargs.get("extra", ()))  # fmt: skip
    return result, read


def limitation(
    parts: Sequence[Path],
    settings: Settings,
    *,
    name: str,
    read_options: dict[str, Any],
    beside: Path | None = None,
    progress: Progress = QUIET,
    **kwargs: Any,
) -> tuple[LimitationResult, Ledger]:
    """limitation's deadlines of the ledger in `parts`, part by part (no buckets needed: each
    loan stands alone)."""
    options = {"settings": settings, **kwargs}
    computed, summaries = [], []
    advance = progress.task(said(f"reading {len(parts)} parts", f"读取 {len(parts)} 个分片"),
                            len(parts))  # fmt: skip
    for index, path in enumerate(parts):
        ledger = read_part(path, **read_options)
        summaries.append(without_frame(ledger))
        computed.append(deadlines_of(placed(ledger, index, keyed=False), name, options))
        del ledger
        advance(1)
    return merged_limitation(computed, settings, kwargs["as_of"]), joined(summaries, name)


def watch(
    parts: Sequence[Path],
    settings: Settings,
    *,
    name: str,
    read_options: dict[str, Any],
    as_of: pd.Timestamp,
    by: str = "loan",
    lang: str = "zh",
    beside: Path | None = None,
    progress: Progress = QUIET,
) -> tuple[WatchResult, Ledger]:
    """watch's list of the ledger in `parts`: the guarantor signals from the few columns they
    read of every part, the rest bucket by bucket."""
    fields: list[pd.DataFrame] = []

    def keep_fields(frame: pd.DataFrame) -> None:
        fields.append(guarantor_fields(frame, as_of, settings))

    options = {"settings": settings, "as_of": as_of, "by": by, "lang": lang}
    with _spill(beside) as spill:
        files, summaries = _split(parts, read_options, spill, keep_fields, progress)
        signals = whole_signals(fields)
        del fields[:]
        found = [watch_of(loans, name, signals, options) for loans in _buckets(files, progress)]
    read = joined(summaries, name)
    pieces = [piece for piece in found if piece is not None] or [
        watch_part([(as_of, read.frame)], settings, as_of=as_of, by=by, lang=lang)
    ]
    return ranked_watch(pieces, as_of=as_of, by=by), read
