"""The workspace: an embedded DuckDB file holding ledger snapshots and the collection-action log.

One writer at a time (DuckDB locks the file); a second process waits up to a timeout and then
fails with a clear message. Every load or import is one transaction. The schema is versioned
and migrated forward on open.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from npl_cli.config import user_dir
from npl_cli.errors import InputError, NplError
from npl_cli.messages import said
from npl_cli.schema import ACTION_COLUMNS, COLUMNS, REQUIRED
from npl_cli.survey import STORED as SURVEY_STORED

if TYPE_CHECKING:
    from npl_cli.store.writer import SnapshotWriter

SCHEMA_VERSION = 5
_SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "date": "DATE", "amount": "DOUBLE",
              "count": "DOUBLE"}  # fmt: skip
LOAN_COLUMNS = [c.name for c in COLUMNS]


class WorkspaceBusy(NplError):
    """Another npl process holds the workspace for longer than the timeout."""


def default_path() -> Path:
    return user_dir("data") / "workspace.duckdb"


def resolve_path(flag: Path | None, configured: str) -> Path:
    """--workspace, then $NPL_WORKSPACE, then [workspace] path in npl.toml, then the default."""
    for candidate in (flag, os.environ.get("NPL_WORKSPACE"), configured or None):
        if candidate:
            return Path(candidate).expanduser()
    return default_path()


MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE snapshots (as_of DATE PRIMARY KEY, file VARCHAR, content_hash VARCHAR,
           rows_read BIGINT, rows_used BIGINT, rows_rejected BIGINT, rows_skipped BIGINT,
           loaded_at TIMESTAMP)""",
        "CREATE TABLE loans (as_of DATE, "
        + ", ".join(f'"{c.name}" {_SQL_TYPES[c.kind]}' for c in COLUMNS)
        + ", source_file VARCHAR, source_row BIGINT)",
        """CREATE TABLE loan_extras (as_of DATE, loan_id VARCHAR, "column" VARCHAR,
           value VARCHAR)""",
        """CREATE TABLE rejects (as_of DATE, source_file VARCHAR, source_row BIGINT,
           "column" VARCHAR, value VARCHAR, reason VARCHAR)""",
        "CREATE SEQUENCE action_ids START 1",
        """CREATE TABLE actions (id BIGINT DEFAULT nextval('action_ids') PRIMARY KEY,
           fingerprint VARCHAR UNIQUE, loan_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
           date DATE NOT NULL, party VARCHAR, amount DOUBLE, method VARCHAR, evidence VARCHAR,
           promise_date DATE, promise_amount DOUBLE, note VARCHAR, source VARCHAR,
           recorded_at TIMESTAMP)""",
    ],
    # The canonical columns each ledger had (JSON), so that a column it had but left empty
    # comes back as such, and one it lacked stays absent.
    2: ["ALTER TABLE snapshots ADD COLUMN columns VARCHAR"],
    # A general guarantor's limitation starts when enforcement against the debtor ends. (A
    # store made by this version has the column already: migration 1 takes every column.)
    3: ["ALTER TABLE loans ADD COLUMN IF NOT EXISTS enforcement_ended_on DATE"],
    # A mistyped action is taken back (voided), never deleted: who, when and why stay.
    4: [
        "ALTER TABLE actions ADD COLUMN IF NOT EXISTS voided_at TIMESTAMP",
        "ALTER TABLE actions ADD COLUMN IF NOT EXISTS voided_by VARCHAR",
        "ALTER TABLE actions ADD COLUMN IF NOT EXISTS void_reason VARCHAR",
    ],
    # Survey answers brought back from the forms: every import kept (the history), the same
    # answer twice is one.
    5: [
        "CREATE SEQUENCE IF NOT EXISTS survey_ids START 1",
        """CREATE TABLE IF NOT EXISTS survey_answers (
           id BIGINT DEFAULT nextval('survey_ids') PRIMARY KEY, fingerprint VARCHAR UNIQUE,
           key VARCHAR, plan VARCHAR, debtor_key VARCHAR NOT NULL, survey_contact VARCHAR,
           willingness VARCHAR, ability VARCHAR, survey_reason VARCHAR, assets_found VARCHAR,
           third_party_help VARCHAR, surveyed_on DATE NOT NULL, surveyor VARCHAR,
           survey_note VARCHAR, source_file VARCHAR, source_row BIGINT,
           recorded_at TIMESTAMP)""",
    ],
}


class Workspace:
    """An open workspace. Use as a context manager: `with Workspace.open(path) as ws: ...`."""

    def __init__(self, connection: Any, path: Path) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    @contextmanager
    def open(cls, path: Path, *, timeout: float = 30.0, create: bool = True) -> Iterator[Workspace]:
        import duckdb

        if not create and not path.exists():
            raise InputError(
                said(
                    f"{path}: no workspace yet; `npl load LEDGER` creates it",
                    f"{path}：尚无工作区；`npl load 台账文件` 会创建它",
                )
            )
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give the workspace file (--workspace FILE)")
        # a workspace we may only read (a read-only share) is opened read-only by the commands
        # that only read; one we may write is opened for writing (it may need a migration)
        read_only = not create and not os.access(path, os.W_OK)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(f"{path}: cannot create the workspace ({error.strerror})") from None
        waited = 0.0
        while True:
            try:
                # no extension is ever fetched or loaded: a stray file (a SQLite database,
                # say) is refused in one line instead of sending DuckDB to the network
                connection = duckdb.connect(
                    str(path),
                    read_only=read_only,
                    config={
                        "autoinstall_known_extensions": False,
                        "autoload_known_extensions": False,
                    },
                )
                break
            except duckdb.IOException as error:
                if not held_by_another_process(error):
                    raise InputError(
                        f"{path}: not a workspace npl can open ({_first_line(error)}); give "
                        "the workspace file, or move this file away"
                    ) from None
                if waited >= timeout:
                    raise WorkspaceBusy(
                        f"{path}: the workspace is in use by another npl process (waited "
                        f"{waited:.0f} s); try again when it has finished"
                    ) from None
                time.sleep(0.2)
                waited += 0.2
            except duckdb.Error as error:
                raise InputError(
                    f"{path}: not a workspace npl can open ({_first_line(error)}); give the "
                    "workspace file, or move this file away"
                ) from None
        workspace = cls(connection, path)
        try:
            try:
                workspace.migrate(read_only)
            except duckdb.Error as error:  # a damaged or foreign file
                raise InputError(
                    f"{path}: the workspace cannot be read ({_first_line(error)}); restore it "
                    "from a backup, or `npl workspace export` what is readable"
                ) from None
            yield workspace
        finally:
            connection.close()

    # --- schema ------------------------------------------------------------------------------

    def version(self) -> int:
        exists = self._first(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        )
        if not exists or not exists[0]:
            return 0
        row = self._first("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    def migrate(self, read_only: bool = False) -> None:
        current = self.version()
        if current > SCHEMA_VERSION:
            raise InputError(f"{self.path}: made by a newer npl (schema {current}); upgrade npl")
        if read_only and current < SCHEMA_VERSION:
            raise InputError(
                f"{self.path}: read-only, and made by an older npl (schema {current}); open it "
                "once where it can be written to upgrade it"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in MIGRATIONS[version]:
                    self._run(statement)
                self._run(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._run("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self._run("ROLLBACK")
            raise
        self._run("COMMIT")

    def _run(self, sql: str, parameters: list[Any] | None = None) -> None:
        """A statement whose result is not needed, fetched so the connection is free again."""
        self.connection.execute(sql, parameters or []).fetchall()

    def _first(self, sql: str, parameters: list[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query, or None (the whole result is fetched, freeing the
        connection)."""
        rows = self.connection.execute(sql, parameters or []).fetchall()
        return tuple(rows[0]) if rows else None

    def query(self, sql: str, parameters: list[Any] | None = None) -> pd.DataFrame:
        return self.connection.execute(sql, parameters or []).df()

    # --- snapshots ---------------------------------------------------------------------------

    @contextmanager
    def storing(self, as_of: pd.Timestamp, *, replace: bool = False) -> Iterator[SnapshotWriter]:
        """A transaction that stores one ledger as the snapshot of `as_of` (see SnapshotWriter);
        a snapshot of that date from another file is replaced only with `replace`. On any
        failure nothing is kept."""
        day = pd.Timestamp(as_of).date()
        existing = self._first("SELECT file FROM snapshots WHERE as_of = ?", [day])
        if existing and not replace:
            raise InputError(
                said(
                    f"a snapshot for {day} exists already (from {existing[0]}); "
                    "load with --replace to replace it, or give another --as-of",
                    f"{day} 的快照已存在（来自 {existing[0]}）；"
                    "用 --replace 替换，或换一个 --as-of",
                )
            )
        with self.transaction():
            for table in ("snapshots", "loans", "loan_extras", "rejects"):
                self._run(f"DELETE FROM {table} WHERE as_of = ?", [day])
            from npl_cli.store.writer import SnapshotWriter

            writer = SnapshotWriter(self, day, replacing=existing is not None)
            try:
                yield writer
            finally:
                writer.settle()  # the background insert ends before the commit or rollback
            if not writer.finished:
                raise RuntimeError("a snapshot was left unfinished")

    def insert(self, table: str, rows: Any, as_of: date) -> None:
        """Add `rows` (an Arrow table or a DataFrame in `table`'s column order after as_of)."""
        view = f"incoming_{table}"
        self.connection.register(view, rows)
        try:
            # by name: a column added by a migration stands last in an older store
            self._run(
                f"INSERT INTO {table} BY NAME SELECT ?::DATE AS as_of, * FROM {view}", [as_of]
            )
        finally:
            self.connection.unregister(view)

    def snapshot_hash(self, as_of: pd.Timestamp) -> str | None:
        """The content hash of the file stored as the snapshot of `as_of`, if any."""
        row = self._first(
            "SELECT content_hash FROM snapshots WHERE as_of = ?", [pd.Timestamp(as_of).date()]
        )
        return str(row[0]) if row else None

    def snapshots_with_hash(self, content_hash: str) -> list[pd.Timestamp]:
        """The snapshots whose file had this content hash, oldest first."""
        found = self.query(
            "SELECT as_of FROM snapshots WHERE content_hash = ? ORDER BY as_of", [content_hash]
        )
        return [pd.Timestamp(day) for day in found["as_of"]]

    def snapshots(self) -> pd.DataFrame:
        return self.query("SELECT * FROM snapshots ORDER BY as_of")

    def drop(self, as_of: pd.Timestamp) -> None:
        day = pd.Timestamp(as_of).date()
        with self.transaction():
            found = self._first("SELECT count(*) FROM snapshots WHERE as_of = ?", [day])
            if not found or not found[0]:
                raise InputError(f"no snapshot for {day}; `npl snapshots` lists them")
            for table in ("snapshots", "loans", "loan_extras", "rejects"):
                self._run(f"DELETE FROM {table} WHERE as_of = ?", [day])

    def latest(self, as_of: pd.Timestamp | None = None) -> tuple[pd.Timestamp, pd.DataFrame]:
        """The snapshot of `as_of` (else the latest) as a canonical frame."""
        if as_of is None:
            row = self._first("SELECT max(as_of) FROM snapshots")
            if not row or row[0] is None:
                raise InputError(
                    said(
                        f"{self.path}: no snapshot yet; `npl load LEDGER` stores one",
                        f"{self.path}：尚无快照；`npl load 台账文件` 会存入一份",
                    )
                )
            day = pd.Timestamp(row[0])
        else:
            day = pd.Timestamp(as_of)
            found = self._first("SELECT count(*) FROM snapshots WHERE as_of = ?", [day.date()])
            if not found or not found[0]:
                raise InputError(f"no snapshot for {day.date()}; `npl snapshots` lists them")
        table: pa.Table = self.connection.sql(
            "SELECT * EXCLUDE (as_of) FROM loans WHERE as_of = ?", params=[day.date()]
        ).to_arrow_table()  # Arrow straight from DuckDB: text stays Arrow-backed in pandas
        rows = table["source_row"].to_numpy()
        if (np.diff(rows) < 0).any():  # stored in ledger order, so this sort is a safeguard
            table = table.take(pa.array(np.argsort(rows, kind="stable")))
        recorded = self._recorded_columns(day)
        table = table.drop_columns(_absent_columns(table, recorded))
        as_timestamps = pa.schema(
            [
                field.with_type(pa.timestamp("ns"))
                if pa.types.is_date(field.type) or pa.types.is_timestamp(field.type)
                else field
                for field in table.schema
            ]
        )  # DATE would become Python date objects in pandas: cast in Arrow, in one step
        frame = table.cast(as_timestamps).to_pandas()  # Arrow text stays Arrow-backed
        return day, self._with_extras(day, frame, recorded)

    def _with_extras(
        self, day: pd.Timestamp, frame: pd.DataFrame, recorded: list[str] | None
    ) -> pd.DataFrame:
        """The ledger's unmapped columns back beside the canonical ones, as text (rules may
        name them), before source_file and source_row as when the file is read."""
        long = self.query(
            'SELECT loan_id, "column", value FROM loan_extras WHERE as_of = ?', [day.date()]
        )
        if long.empty:
            return frame
        wide = long.pivot(index="loan_id", columns="column", values="value")
        names = [c for c in recorded if c in wide] if recorded else list(wide.columns)
        extras = pd.DataFrame(
            {name: frame["loan_id"].map(wide[name]).astype("str") for name in names},
            index=frame.index,
        )
        source = ["source_file", "source_row"]
        return pd.concat([frame.drop(columns=source), extras, frame[source]], axis=1)

    def _recorded_columns(self, day: pd.Timestamp) -> list[str] | None:
        """The columns the snapshot's ledger had, as recorded since schema 2 (else None)."""
        row = self._first("SELECT columns FROM snapshots WHERE as_of = ?", [day.date()])
        return list(json.loads(row[0])) if row and row[0] is not None else None

    def loans_for(self, loan_ids: pd.Series) -> tuple[pd.Timestamp | None, pd.DataFrame]:
        """The latest snapshot's date and its (loan_id, debtor_name, guarantors) rows for these
        loan ids (no snapshot: None and no rows)."""
        row = self._first("SELECT max(as_of) FROM snapshots")
        if not row or row[0] is None:
            return None, pd.DataFrame({"loan_id": [], "debtor_name": [], "guarantors": []})
        day = pd.Timestamp(row[0])
        self.connection.register("wanted", pd.DataFrame({"loan_id": loan_ids.astype(object)}))
        try:
            found = self.query(
                "SELECT loan_id, debtor_name, guarantors FROM loans WHERE as_of = ? "
                "AND loan_id IN (SELECT loan_id FROM wanted)",
                [day.date()],
            )
        finally:
            self.connection.unregister("wanted")
        return day, found

    # --- actions -----------------------------------------------------------------------------

    def add_actions(self, actions: pd.DataFrame, source: str) -> tuple[int, int]:
        """Record actions; the same action twice is one. Returns (added, already there)."""
        incoming = actions.reindex(columns=ACTION_COLUMNS).copy()
        incoming["fingerprint"] = fingerprints(incoming)
        incoming = incoming.drop_duplicates("fingerprint")
        incoming["source"] = source
        incoming = incoming.astype(object).where(incoming.notna(), None)
        with self.transaction():
            self.connection.register("incoming", incoming)
            before = self._count("actions")
            self._run(
                "INSERT INTO actions (fingerprint, loan_id, kind, date, party, amount, method, "
                "evidence, promise_date, promise_amount, note, source, recorded_at) "
                "SELECT fingerprint, loan_id, kind, date::DATE, party, amount::DOUBLE, method, "
                "evidence, promise_date::DATE, promise_amount::DOUBLE, note, source, now() "
                "FROM incoming WHERE fingerprint NOT IN (SELECT fingerprint FROM actions)"
            )
            added = self._count("actions") - before
            self.connection.unregister("incoming")
        return added, len(actions) - added

    # --- survey answers ------------------------------------------------------------------------

    def add_survey(self, answers: pd.DataFrame, source: str) -> tuple[int, int]:
        """Record survey answers; the same answer twice (from any file) is one. Returns
        (added, already there)."""
        incoming = answers.reindex(columns=[*SURVEY_STORED, "source_row"]).copy()
        incoming["fingerprint"] = _hashes(incoming.reindex(columns=list(SURVEY_STORED)))
        incoming = incoming.drop_duplicates("fingerprint")
        incoming["source_file"] = source
        incoming = incoming.astype(object).where(incoming.notna(), None)
        columns = ", ".join([*SURVEY_STORED, "source_file", "source_row", "fingerprint"])
        with self.transaction():
            self.connection.register("incoming", incoming)
            before = self._count("survey_answers")
            self._run(
                f"INSERT INTO survey_answers ({columns}, recorded_at) "
                f"SELECT {columns.replace('surveyed_on', 'surveyed_on::DATE')}, now() "
                "FROM incoming WHERE fingerprint NOT IN (SELECT fingerprint FROM survey_answers)"
            )
            added = self._count("survey_answers") - before
            self.connection.unregister("incoming")
        return added, len(answers) - added

    def survey_answers(self) -> pd.DataFrame:
        """Every survey answer recorded, as recorded (oldest first), dates as datetime64."""
        frame = self.query("SELECT * EXCLUDE (fingerprint) FROM survey_answers ORDER BY id")
        frame["surveyed_on"] = pd.to_datetime(frame["surveyed_on"]).astype("datetime64[ns]")
        return frame

    def loan_snapshots(self, loan_id: str) -> pd.DataFrame:
        """One loan in every snapshot that holds it (as_of, file, then its columns), oldest
        first, dates as datetime64[ns]."""
        frame = self.query(
            "SELECT s.as_of, s.file, l.* EXCLUDE (as_of) FROM loans l JOIN snapshots s "
            "USING (as_of) WHERE l.loan_id = ? ORDER BY s.as_of",
            [loan_id],
        )
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].astype("datetime64[ns]")
        return frame

    def actions(self, loan_id: str | None = None, *, voided: bool = False) -> pd.DataFrame:
        """The recorded actions, oldest first; voided ones only when `voided` (then with who
        voided them, when and why)."""
        where = ["loan_id = ?"] if loan_id else []
        if not voided:
            where.append("voided_at IS NULL")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        hidden = "fingerprint" if voided else "fingerprint, voided_at, voided_by, void_reason"
        frame = self.query(
            f"SELECT * EXCLUDE ({hidden}) FROM actions {clause} ORDER BY date, id",
            [loan_id] if loan_id else [],
        )
        for column in ("date", "promise_date"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        return frame

    def void(self, action_id: int, why: str, who: str) -> pd.Series:
        """Take an action back: it stays in the log, marked voided with who, when and why,
        and no longer counts. Returns the action."""
        found = self.query("SELECT * FROM actions WHERE id = ?", [action_id])
        if found.empty:
            raise InputError(
                said(
                    f"no action {action_id}; `npl action list` shows the ids",
                    f"没有编号为 {action_id} 的催收记录；`npl action list` 列出编号",
                )
            )
        if pd.notna(found["voided_at"].iloc[0]):
            raise InputError(
                said(
                    f"action {action_id} was voided already ({found['void_reason'].iloc[0]})",
                    f"催收记录 {action_id} 已作废（{found['void_reason'].iloc[0]}）",
                )
            )
        with self.transaction():
            self._run(
                "UPDATE actions SET voided_at = now(), voided_by = ?, void_reason = ? WHERE id = ?",
                [who, why, action_id],
            )
        return found.iloc[0]

    def _count(self, table: str) -> int:
        row = self._first(f"SELECT count(*) FROM {table}")
        return int(row[0]) if row else 0

    def summary(self) -> dict[str, Any]:
        snapshots = self.snapshots()
        return {
            "path": str(self.path),
            "schema_version": self.version(),
            "snapshots": len(snapshots),
            "latest": None if snapshots.empty else str(snapshots["as_of"].max())[:10],
            "loans_in_latest": self._count_latest(),
            "actions": self._count("actions"),
        }

    def _count_latest(self) -> int:
        row = self._first(
            "SELECT count(*) FROM loans WHERE as_of = (SELECT max(as_of) FROM snapshots)"
        )
        return int(row[0]) if row else 0

    TABLES = ("snapshots", "loans", "loan_extras", "rejects", "actions", "survey_answers")

    def export_parquet(self, folder: Path) -> list[Path]:
        """Every table as a Parquet file in `folder` (each written beside, then renamed)."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for table in self.TABLES:
            target = folder / f"{table}.parquet"
            temporary = folder / f".{table}.parquet.tmp"
            quoted = str(temporary).replace("'", "''")  # a folder may be named O'Brien
            try:
                self._run(f"COPY {table} TO '{quoted}' (FORMAT PARQUET)")
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
            written.append(target)
        return written

    def table(self, name: str) -> pa.Table:
        """One of TABLES, whole, as Arrow."""
        if name not in self.TABLES:
            raise ValueError(name)
        return self.connection.sql(f"SELECT * FROM {name}").to_arrow_table()


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def held_by_another_process(error: Exception) -> bool:
    """DuckDB's words for a file another process has open: a conflicting lock (POSIX), or
    "File is already open in" (Windows, after the system's message in its own language)."""
    text = str(error).lower()
    return "lock" in text or "already open" in text


def _absent_columns(table: pa.Table, recorded: list[str] | None) -> list[str]:
    """The stored columns the snapshot's ledger did not have (empty in the store); `recorded`
    is its own list of columns (None before schema 2, when an empty column counts as absent)."""
    kept = {"source_file", "source_row"}
    if recorded is not None:
        kept |= set(recorded)
        return [name for name in table.column_names if name not in kept]
    kept |= set(REQUIRED)
    return [
        name
        for name, column in zip(table.column_names, table.columns, strict=True)
        if column.null_count == len(column) and name not in kept
    ]


def fingerprints(actions: pd.DataFrame) -> np.ndarray:
    """A stable identity per action from all its fields (vectorised hashing)."""
    return _hashes(actions.reindex(columns=ACTION_COLUMNS))


def _hashes(rows: pd.DataFrame) -> np.ndarray:
    hashed = pd.util.hash_pandas_object(rows.astype(str), index=False).to_numpy()
    return np.char.mod("%016x", hashed.astype(np.uint64))
