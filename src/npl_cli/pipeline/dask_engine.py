"""The dask engine: a ledger in parts on a Dask cluster, with the pandas engine's functions.

Dask reads the parts (one partition each, in name order), shuffles the loans by debtor key
so that each debtor's loans meet in one partition, and runs the pandas engine's per-debtor
steps on every partition; the client ranks the partitions' rows as the pandas engine ranks
its own. Each loan carries its place in the whole ledger (part, row), the ranking's last
tie-breaker, so the rows, their order and the CSV bytes equal the pandas engine's.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from npl_cli.config import Settings
from npl_cli.errors import UsageError
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


def _dask() -> Any:
    try:
        import dask
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(
            said(
                "--engine dask needs Dask: pip install 'npl-cli[dask]' (dask[dataframe] and "
                "distributed)",
                "--engine dask 需要安装 Dask：pip install 'npl-cli[dask]'（dask[dataframe] 与 "
                "distributed）",
            )
        ) from None
    return dask


@contextmanager
def cluster(scheduler: str | None, workers: int | None = None) -> Iterator[Any]:
    """A client of the Dask scheduler at `scheduler`, else of a local cluster of one
    single-threaded worker process per core (pandas holds the GIL between kernels)."""
    _dask()
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: never clash with a running cluster
            silence_logs=logging.CRITICAL,  # a worker logs what it raises: npl says it once
        ) as local,
        Client(local) as client,
    ):
        yield client


def _read(parts: Sequence[Path], options: dict[str, Any], keyed: bool) -> tuple[Any, list[Any]]:
    """The parts as a Dask DataFrame (one partition each) and how each was read."""
    dask = _dask()
    import dask.dataframe as dd

    ledgers = [dask.delayed(read_part)(path, **options) for path in parts]
    frames = [dask.delayed(placed)(ledger, i, keyed) for i, ledger in enumerate(ledgers)]
    meta = frames[0].compute().iloc[:0]  # the first part's columns and types
    summaries = [dask.delayed(without_frame)(ledger) for ledger in ledgers]
    return dd.from_delayed(frames, meta=meta, verify_meta=False), summaries


def triage(
    parts: Sequence[Path],
    settings: Settings,
    *,
    name: str,
    read_options: dict[str, Any],
    as_of: pd.Timestamp,
    by: str = "debtor",
    top: int | None = None,
    **kwargs: Any,
) -> tuple[TriageResult, Ledger]:
    """triage's worklist of the ledger in `parts`, and how it was read (without its loans)."""
    dask = _dask()
    loans, summaries = _read(parts, read_options, keyed=True)
    by_debtor = loans.shuffle(on=KEY, npartitions=max(loans.npartitions, 1))
    options = {"settings": settings, "as_of": as_of, "by": by, **kwargs}
    pieces = [dask.delayed(worklist_of)(p, name, options) for p in by_debtor.to_delayed()]
    computed, summaries = dask.compute(pieces, summaries)
    read = joined(summaries, name)
    # no loans at all: the pandas engine's answer for an empty ledger
    found = [piece for piece in computed if piece is not None] or [worklist_part(read, **options)]
    result = ranked_worklist(found, settings, as_of=as_of, by=by, top=top,
                             extra=kwargs.get("extra", ()))  # fmt: skip
    return result, read


def limitation(
    parts: Sequence[Path],
    settings: Settings,
    *,
    name: str,
    read_options: dict[str, Any],
    **kwargs: Any,
) -> tuple[LimitationResult, Ledger]:
    """limitation's deadlines of the ledger in `parts` (no shuffle: each loan stands alone),
    and how it was read (without its loans)."""
    dask = _dask()
    loans, summaries = _read(parts, read_options, keyed=False)
    options = {"settings": settings, **kwargs}
    pieces = [dask.delayed(deadlines_of)(p, name, options) for p in loans.to_delayed()]
    computed, read = dask.compute(pieces, summaries)
    return merged_limitation(computed, settings, kwargs["as_of"]), joined(read, name)


def watch(
    parts: Sequence[Path],
    settings: Settings,
    *,
    name: str,
    read_options: dict[str, Any],
    as_of: pd.Timestamp,
    by: str = "loan",
    lang: str = "zh",
) -> tuple[WatchResult, Ledger]:
    """watch's list of the ledger in `parts`, and how it was read (without its loans). A
    guarantor may be a debtor anywhere in the ledger: the guarantor signals are computed on
    the client over the few columns they read, gathered from every partition; the rest runs
    per debtor after the shuffle."""
    dask = _dask()
    with warnings.catch_warnings():  # a DataFrame and delayed objects persisted together
        warnings.filterwarnings("ignore", "Computing mixed collections", UserWarning)
        loans, summaries = dask.persist(*_read(parts, read_options, keyed=True))  # read once
    fields = [dask.delayed(guarantor_fields)(p, as_of, settings) for p in loans.to_delayed()]
    signals = whole_signals(list(dask.compute(*fields)))
    by_debtor = loans.shuffle(on=KEY, npartitions=max(loans.npartitions, 1))
    options = {"settings": settings, "as_of": as_of, "by": by, "lang": lang}
    shared = dask.delayed(signals)
    pieces = [dask.delayed(watch_of)(p, name, shared, options) for p in by_debtor.to_delayed()]
    computed, summaries = dask.compute(pieces, summaries)
    read = joined(summaries, name)
    found = [piece for piece in computed if piece is not None] or [
        watch_part([(as_of, read.frame)], settings, as_of=as_of, by=by, lang=lang)
    ]
    return ranked_watch(found, as_of=as_of, by=by), read
