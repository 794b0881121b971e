"""Storing one ledger as a snapshot: its rows inserted in a background thread while the reader
still accounts for them, then settled in the same transaction (the one owner of that overlap)."""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from npl_cli.ledger import Ledger
from npl_cli.schema import COLUMNS

if TYPE_CHECKING:
    from npl_cli.store.workspace import Workspace

LOAN_COLUMNS = [c.name for c in COLUMNS]


class SnapshotWriter:
    """Stores one ledger inside `Workspace.storing`'s transaction. `start` inserts the loans
    from the reader's rows before the reader has accounted for them, in a background thread:
    DuckDB's insert (1.3 s for 1M loans) then overlaps the accounting. `finish` deletes the rows
    the reader went on to skip or reject and adds the snapshot's record, extras and rejects."""

    def __init__(self, store: Workspace, day: date, *, replacing: bool) -> None:
        self.store = store
        self.day = day
        self.replacing = replacing
        self.finished = False
        self._staged_rows = np.empty(0, dtype=np.int64)
        self._inserting: Future[None] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1)

    def start(self, rows: pd.DataFrame) -> None:
        """Begin inserting `rows` (canonical columns and source_row) as the snapshot's loans."""
        if self._inserting is not None:
            raise RuntimeError("the snapshot's loans are being inserted already")
        self._staged_rows = rows["source_row"].to_numpy()
        self._inserting = self._pool.submit(self.store.insert, "loans", _loan_table(rows), self.day)

    def finish(self, ledger: Ledger, content_hash: str) -> str:
        """Complete the snapshot from the accounted ledger: 'loaded' or 'replaced'."""
        if self._inserting is None:
            self.start(ledger.frame)
        assert self._inserting is not None
        self._inserting.result()
        used = ledger.frame["source_row"].to_numpy()
        if len(used) < len(self._staged_rows):  # rows skipped or rejected after the start
            unused = self._staged_rows[~np.isin(self._staged_rows, used)]
            self.store.connection.register("unused_rows", pd.DataFrame({"row": unused}))
            self.store._run(
                "DELETE FROM loans WHERE as_of = ? AND source_row IN (SELECT row FROM unused_rows)",
                [self.day],
            )
            self.store.connection.unregister("unused_rows")
        present = [name for name in LOAN_COLUMNS if name in ledger.frame.columns]
        present += ledger.extra_columns
        self.store._run(
            "INSERT INTO snapshots (as_of, file, content_hash, rows_read, rows_used, "
            "rows_rejected, rows_skipped, loaded_at, columns) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?)",
            [self.day, Path(ledger.file).name, content_hash, ledger.rows_read, ledger.rows_used,
             ledger.rows_rejected, ledger.rows_skipped, json.dumps(present)],
        )  # fmt: skip
        extras = _extras_table(ledger)
        if len(extras):
            self.store.insert("loan_extras", extras, self.day)
        if len(ledger.rejects):
            rejects = ledger.rejects.astype(object).where(ledger.rejects.notna(), None)
            self.store.insert("rejects", rejects, self.day)
        self.finished = True
        return "replaced" if self.replacing else "loaded"

    def settle(self) -> None:
        """End the background insert before the transaction ends: interrupted when the load
        failed before `finish`, else already done (its error, if any, raised by `finish`)."""
        if self._inserting is not None:
            if not self.finished and not self._inserting.done():
                self.store.connection.interrupt()
            wait([self._inserting])
        self._pool.shutdown()


def _loan_table(frame: pd.DataFrame) -> Any:
    """Every canonical column (absent ones empty) as an Arrow table: DuckDB scans Arrow
    directly, without turning text into Python objects."""
    import pyarrow as pa

    text = pa.large_string()  # what pandas holds text as: no conversion
    types = {"id": text, "text": text, "date": pa.timestamp("ns"), "amount": pa.float64(),
             "count": pa.float64()}  # fmt: skip
    arrays = []
    for column in COLUMNS:
        if column.name in frame:
            arrays.append(pa.array(frame[column.name], from_pandas=True).cast(types[column.kind]))
        else:
            arrays.append(pa.nulls(len(frame), types[column.kind]))
    arrays.append(pa.array(frame["source_file"], from_pandas=True).cast(text))
    arrays.append(pa.array(frame["source_row"], from_pandas=True).cast(pa.int64()))
    table = pa.table(arrays, names=[*LOAN_COLUMNS, "source_file", "source_row"])
    return table.combine_chunks()  # one chunk per column: DuckDB inserts it faster (2.5 -> 1.4 s)


def _extras_table(ledger: Ledger) -> pd.DataFrame:
    """The ledger's unmapped columns, long: (loan_id, column, value), non-empty cells only."""
    if not ledger.extra_columns:
        return pd.DataFrame(columns=["loan_id", "column", "value"])
    long = ledger.frame[["loan_id", *ledger.extra_columns]].melt(
        id_vars="loan_id", var_name="column", value_name="value"
    )
    long = long[long["value"].notna()]
    return long.astype(object)
