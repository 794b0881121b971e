"""From a ledger file to the canonical frame, with every row accounted for."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.errors import PROBLEM_COLUMNS, InputError
from npl_cli.ledger import coerce
from npl_cli.ledger.dated import OwnDate, own_date
from npl_cli.ledger.header import header_matcher
from npl_cli.ledger.read import RawTable, read_table
from npl_cli.messages import said
from npl_cli.progress import QUIET, Advance, Progress, ignore
from npl_cli.schema import (
    AGING_SOURCES,
    COLUMN_BY_NAME,
    REQUIRED,
    TOTAL_ROW_RE,
    canonical_for,
    normalize_header,
)

REJECT_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]
OWN_UNIT = "the cell gives its own unit (5万, 50000元), which is used instead of the header's"


@dataclass(frozen=True)
class Mapped:
    canonical: str
    header: str
    factor: float = 1.0


@dataclass
class Ledger:
    """The canonical frame of one ledger file and how it was read."""

    frame: pd.DataFrame
    file: str
    sheet: str | None
    header_row: int
    encoding: str | None
    mapping: list[Mapped]
    rows_read: int
    rows_used: int
    rows_rejected: int
    rows_skipped: int
    skipped: dict[str, int]
    rejects: pd.DataFrame
    problems: pd.DataFrame
    extra_columns: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)  # hidden sheets passed over
    own_date: OwnDate | None = None  # the date its title row or file name gives

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, file: str) -> Ledger:
        """A ledger already in canonical form (a workspace snapshot)."""
        mapped = [Mapped(c, c) for c in frame.columns if c in COLUMN_BY_NAME]
        return cls(
            frame=frame,
            file=file,
            sheet=None,
            header_row=0,
            encoding=None,
            mapping=mapped,
            rows_read=len(frame),
            rows_used=len(frame),
            rows_rejected=0,
            rows_skipped=0,
            skipped={},
            rejects=pd.DataFrame(columns=REJECT_COLUMNS),
            problems=pd.DataFrame(columns=PROBLEM_COLUMNS),
            extra_columns=[
                c
                for c in frame.columns
                if c not in COLUMN_BY_NAME and c not in ("source_file", "source_row")
            ],
        )

    def replace_frame(self, frame: pd.DataFrame) -> Ledger:
        """The same ledger with its loans as `frame` (the action log applied, say)."""
        return dataclasses.replace(self, frame=frame)

    @property
    def columns(self) -> dict[str, str]:
        return {m.canonical: m.header for m in self.mapping}

    def has(self, *names: str) -> bool:
        return all(name in self.frame.columns for name in names)


def load_ledger(
    path: Path | str,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    check_ids: bool = True,
    on_rows: Callable[[pd.DataFrame], None] | None = None,
    progress: Progress = QUIET,
    on_date: Callable[[OwnDate | None], None] | None = None,
) -> Ledger:
    """Read a ledger file into the canonical frame. `columns` maps canonical names to headers.
    `check_ids` adds the checksum warnings on ID numbers and credit codes (only `inspect`
    shows warnings, so the other commands skip the work). `on_rows`, if given, is called with
    every row's canonical values (with `source_row`) as soon as they are coerced, before the
    rows are accounted for: the ledger's frame is the subset of them that is used. It lets a
    caller start work with them while the accounting runs."""
    path = Path(path)
    overrides = dict(columns or {})
    unknown = [name for name in overrides if name not in COLUMN_BY_NAME]
    if unknown:
        raise InputError(f"[columns] names unknown canonical column '{unknown[0]}'")
    read = progress.task(said(f"reading {path.name}", f"读取 {path.name}"), 1)
    raw = read_table(
        path,
        overrides=overrides,
        sheet=sheet,
        header_row=header_row,
        encoding=encoding,
    )
    read(1)
    dated = own_date(raw.title, path.name)
    if on_date is not None:  # the date the file gives, before any row is handed over
        on_date(dated)
    mapping = map_columns(path, raw.headers, overrides)
    advance = progress.task(
        said(f"reading {path.name} (columns)", f"读取 {path.name}（列）"), len(raw.headers)
    )
    return dataclasses.replace(_build(path, raw, mapping, check_ids, on_rows, advance),
                               own_date=dated)  # fmt: skip


def map_columns(path: Path, headers: list[str], overrides: Mapping[str, str]) -> list[Mapped]:
    """Canonical column for each header that names one; the user's [columns] win."""
    by_header = header_matcher(overrides)
    taken: dict[str, Mapped] = {}
    for header in headers:
        key = normalize_header(header)
        if key in by_header:
            canonical, factor = by_header[key], canonical_for(header)[1]
        else:
            found, factor = canonical_for(header)
            if found is None or found in overrides:
                continue
            canonical = found
        if canonical not in taken:
            taken[canonical] = Mapped(canonical, header, factor)
    missing = [name for name in REQUIRED if name not in taken]
    if missing:
        raise InputError(_missing_message(path, missing[0], headers))
    order = list(COLUMN_BY_NAME)
    return sorted(taken.values(), key=lambda m: order.index(m.canonical))


def _missing_message(path: Path, name: str, headers: list[str]) -> str:
    column = COLUMN_BY_NAME[name]
    aliases = [normalize_header(a) for a in column.aliases]
    scored = sorted(
        (
            (max(difflib.SequenceMatcher(None, normalize_header(h), a).ratio() for a in aliases), h)
            for h in headers
        ),
        reverse=True,
    )
    close = [h for ratio, h in scored[:3] if ratio >= 0.4]
    hint = f"; closest: {', '.join(close)}" if close else ""
    found = ", ".join(headers[:30]) + (" …" if len(headers) > 30 else "")
    zh_hint = f"；最接近的：{'、'.join(close)}" if close else ""
    return said(
        f"{path}: no column for {name} ({column.label_zh}); headers found: {found}{hint}. "
        f'Map it in npl.toml: [columns] {name} = "<header>"',
        f"{path}：缺少“{column.label_zh}”列（{name}）；现有列名：{found}{zh_hint}。"
        f'可在 npl.toml 中映射：[columns] {name} = "<列名>"',
    )


# --- building the canonical frame ---------------------------------------------------------------


def _non_data_reason(
    cells: Mapping[str, pa.ChunkedArray], id_header: str, balance_header: str
) -> pd.Series:
    """'blank', 'repeated header', 'total row' or None per row (cells already trimmed)."""
    columns = list(cells.values())
    full = sum(c.null_count == 0 for c in columns)  # a column without gaps adds 1 to every row
    filled = np.full(len(columns[0]) if columns else 0, full, dtype=np.int32)
    for column in columns:
        if column.null_count:
            filled += pc.is_valid(column).to_numpy(zero_copy_only=False)
    suspect = np.flatnonzero(~coerce.true_where(pc.is_valid(cells[id_header])) & (filled > 0))
    if len(suspect):  # cells of spaces only count as empty
        taken = pa.array(suspect)
        filled[suspect] = sum(
            pc.is_valid(coerce.trim(c.take(taken))).to_numpy(zero_copy_only=False).astype(np.int32)
            for c in columns
        )
    repeated = np.zeros(len(filled), dtype=bool)
    for header in (id_header, balance_header):
        repeated |= coerce.true_where(pc.equal(cells[header], header))
    lead = columns[0]
    for column in columns[1:3]:
        lead = pc.coalesce(lead, column)
    total = coerce.true_where(pc.match_substring_regex(lead, TOTAL_ROW_RE, ignore_case=True))
    total |= coerce.true_where(
        pc.match_substring_regex(cells[id_header], TOTAL_ROW_RE, ignore_case=True)
    )
    reason = np.full(len(filled), None, dtype=object)
    reason[total] = "total row"
    reason[repeated] = "repeated header"
    reason[np.asarray(filled) == 0] = "blank"
    return pd.Series(reason)


def _build(
    path: Path,
    raw: RawTable,
    mapping: list[Mapped],
    check_ids: bool = True,
    on_rows: Callable[[pd.DataFrame], None] | None = None,
    advance: Advance = ignore,
) -> Ledger:
    source_file = path.name
    by_name = {m.canonical: m for m in mapping}
    cells, coerced, extra = _coerce_all(raw, mapping, advance)
    rows = raw.source_rows

    frame: dict[str, object] = {}
    warnings: list[tuple[str, Note]] = []
    for m, (values, notes) in zip(mapping, coerced, strict=True):
        frame[m.canonical] = values
        warnings += [(m.header, note) for note in notes if note[0].any()]
    frame.update(extra)
    table = pd.DataFrame(frame, copy=False)  # a block per column: no consolidation copy
    table["source_file"] = source_file
    table["source_row"] = rows
    if on_rows is not None:
        on_rows(table)

    if "debtor_id" in by_name and check_ids:
        findings = coerce.id_findings(cells[by_name["debtor_id"].header])
        warnings.append((by_name["debtor_id"].header, (pd.notna(findings), findings, "warning")))
    skip_reason = _non_data_reason(cells, by_name["loan_id"].header, by_name["balance"].header)
    data_row = skip_reason.isna().to_numpy()
    skipped = skip_reason.value_counts().to_dict()
    if raw.blank_rows:
        skipped["blank"] = skipped.get("blank", 0) + raw.blank_rows
    reject_reason, reject_column = _reject_reasons(table, cells, by_name, data_row)
    rejected = reject_reason.notna().to_numpy()
    used_mask = data_row & ~rejected
    rejects = _rejects(table, cells, by_name, reject_reason, reject_column, rejected)
    rejects = pd.concat([rejects, _malformed_rejects(raw, source_file)], ignore_index=True)
    rejects = rejects.sort_values("source_row", kind="stable").reset_index(drop=True)
    rejects, noted = _with_cell_notes(rejects, raw.cell_notes)
    reject_problems = rejects.rename(columns={"source_row": "row", "reason": "message"})
    reject_problems["severity"] = "error"
    problems = [reject_problems[PROBLEM_COLUMNS], noted] + [
        _problems(rows, cells[header], cells_at & used_mask, header, message, severity)
        for header, (cells_at, message, severity) in warnings
    ]
    present = [p for p in problems if len(p)]
    all_problems = (
        pd.concat(present, ignore_index=True) if present else pd.DataFrame(columns=PROBLEM_COLUMNS)
    )
    all_problems = all_problems.sort_values(["row"], kind="stable").reset_index(drop=True)
    used = table if used_mask.all() else table[used_mask].reset_index(drop=True)
    return Ledger(
        frame=used,
        file=str(path),
        sheet=raw.sheet,
        header_row=raw.header_row,
        encoding=raw.encoding,
        mapping=mapping,
        rows_read=raw.cells.num_rows + raw.blank_rows + len(raw.malformed),
        rows_used=len(used),
        rows_rejected=len(rejects),
        rows_skipped=int(sum(skipped.values())),
        skipped={str(k): int(v) for k, v in skipped.items()},
        rejects=rejects,
        problems=all_problems,
        extra_columns=list(extra),
        skipped_sheets=raw.skipped_sheets,
    )


def _coerce_all(
    raw: RawTable, mapping: list[Mapped], advance: Advance
) -> tuple[
    dict[str, pa.ChunkedArray],
    list[tuple[object, list[Note]]],
    dict[str, pd.Series],
]:
    """Cleaned cells by header; each mapped column coerced (values, notes on cells); the
    unmapped columns as text by header."""
    by_header = {m.header: m for m in mapping}
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        # Columns are independent and Arrow/numpy release the GIL: one column per core (at
        # most 4, so memory stays bounded on large machines).
        cleaned = pool.map(
            lambda header, column: _clean(column, by_header.get(header)),
            raw.cells.column_names,
            raw.cells.columns,
        )
        cells = dict(zip(raw.cells.column_names, cleaned, strict=True))

        def coerced_column(m: Mapped) -> tuple[object, list[Note]]:
            done = _coerce_column(cells[m.header], COLUMN_BY_NAME[m.canonical].kind, m.factor)
            advance(1)
            return done

        def extra_column(header: str) -> pd.Series:
            done = coerce.to_series(cells[header])
            advance(1)
            return done

        coerced = list(pool.map(coerced_column, mapping))
        extra = [h for h in raw.headers if h not in by_header]
        extra_series = pool.map(extra_column, extra)
        return cells, coerced, dict(zip(extra, extra_series, strict=True))


def _clean(column: pa.ChunkedArray, mapped: Mapped | None) -> pa.ChunkedArray:
    """Text and identifiers are trimmed here; dates, amounts and counts by their parsers."""
    kind = COLUMN_BY_NAME[mapped.canonical].kind if mapped else "text"
    if kind == "id":
        return coerce.clean_ids(column)
    return coerce.trim(column) if kind == "text" else column


Note = tuple[np.ndarray, str | np.ndarray, str]  # cells, message, severity


def _coerce_column(cells: pa.ChunkedArray, kind: str, factor: float) -> tuple[object, list[Note]]:
    """The column's values, and what to say about some of its cells."""
    if kind == "date":
        dates, bad = coerce.parse_dates(cells)
        return dates, [
            (bad, "not a date; use 2023-05-03, 2023/5/3, 2023年5月3日 or 20230503", "warning")
        ]
    if kind == "amount":
        amounts, bad, own_unit = coerce.parse_amounts(cells, factor)
        # a cell read right, but not as its header says: information, not a warning
        return amounts, [
            (bad, "not an amount; left empty", "warning"),
            (own_unit, OWN_UNIT, "info"),
        ]
    if kind == "count":
        counts, bad = coerce.parse_counts(cells)
        return counts, [(bad, "not a whole number; left empty", "warning")]
    return coerce.to_series(cells), []


def _problems(
    rows: np.ndarray,
    values: pa.ChunkedArray,
    mask: np.ndarray,
    column: str,
    message: str | np.ndarray,
    severity: str,
) -> pd.DataFrame:
    picked = np.asarray(mask, dtype=bool)
    indices = np.flatnonzero(picked)
    return pd.DataFrame(
        {
            "row": rows[picked],
            "column": column,
            "value": values.take(pa.array(indices)).to_pylist(),
            "message": message[picked] if isinstance(message, np.ndarray) else message,
            "severity": severity,
        }
    )


def _reject_reasons(
    frame: pd.DataFrame,
    cells: Mapping[str, pa.ChunkedArray],
    by_name: Mapping[str, Mapped],
    data_row: np.ndarray,
) -> tuple[pd.Series, pd.Series]:
    """Why each data row is rejected (None when used) and which canonical column is at fault."""
    reason = pd.Series(None, index=frame.index, dtype="object")
    column = pd.Series(None, index=frame.index, dtype="object")
    loan_id = frame["loan_id"].where(data_row)
    present = loan_id.notna().to_numpy()
    duplicate = loan_id.duplicated(keep="first").to_numpy() & present
    if duplicate.any():
        firsts = present & ~duplicate
        first_row = pd.Series(
            frame["source_row"].to_numpy()[firsts], index=loan_id[firsts].to_numpy()
        )
        reason[duplicate] = "duplicate loan id; first at row " + loan_id[duplicate].map(
            first_row
        ).astype(int).astype(str)
        column[duplicate] = "loan_id"
    balance_given = pc.is_valid(cells[by_name["balance"].header]).to_numpy(zero_copy_only=False)
    no_balance = frame["balance"].isna().to_numpy() & data_row
    reason[no_balance & balance_given] = "balance is not a number"
    reason[no_balance & ~balance_given] = "balance is empty"
    column[no_balance] = "balance"
    missing_id = ~present & data_row
    reason[missing_id] = "missing loan id"
    column[missing_id] = "loan_id"
    return reason, column


def _rejects(
    frame: pd.DataFrame,
    cells: Mapping[str, pa.ChunkedArray],
    by_name: Mapping[str, Mapped],
    reason: pd.Series,
    column: pd.Series,
    rejected: np.ndarray,
) -> pd.DataFrame:
    indices = pa.array(np.flatnonzero(rejected))
    faulty = column[rejected].to_numpy()
    id_text = np.asarray(cells[by_name["loan_id"].header].take(indices).to_pylist(), dtype=object)
    balance_text = np.asarray(
        cells[by_name["balance"].header].take(indices).to_pylist(), dtype=object
    )
    return pd.DataFrame(
        {
            "source_file": frame["source_file"].iloc[0] if len(frame) else "",
            "source_row": frame["source_row"].to_numpy()[rejected],
            "column": [by_name[c].header for c in faulty],
            "value": np.where(faulty == "balance", balance_text, id_text),
            "reason": reason[rejected].to_numpy(),
        },
        columns=REJECT_COLUMNS,
    )


def _with_cell_notes(
    rejects: pd.DataFrame, notes: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A reject whose cell held an Excel error or an unsaved formula says so; every other such
    cell is a warning (it was read as empty)."""
    if notes.empty:
        return rejects, pd.DataFrame(columns=PROBLEM_COLUMNS)
    key = pd.MultiIndex.from_frame(notes[["source_row", "header"]])
    at = pd.MultiIndex.from_frame(rejects[["source_row", "column"]].astype(object))
    found = key.get_indexer(at)
    hit = found >= 0
    rejects = rejects.copy()
    rejects.loc[hit, "reason"] = (
        rejects.loc[hit, "reason"] + ": " + notes["note"].to_numpy()[found[hit]]
    )
    rest = notes.drop(index=notes.index[found[hit]])
    warnings = pd.DataFrame({
        "row": rest["source_row"].to_numpy(), "column": rest["header"].to_numpy(),
        "value": None, "message": rest["note"].to_numpy(), "severity": "warning",
    })  # fmt: skip
    return rejects, warnings


def _malformed_rejects(raw: RawTable, source_file: str) -> pd.DataFrame:
    if raw.malformed.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    return pd.DataFrame(
        {
            "source_file": source_file,
            "source_row": raw.malformed["source_row"].astype(int).to_numpy(),
            "column": None,
            "value": raw.malformed["text"].to_numpy(),
            "reason": raw.malformed["reason"].to_numpy(),
        }
    )


def analyses(ledger: Ledger) -> dict[str, str | None]:
    """Which analyses the present columns enable: name -> None, or what is missing."""
    present = set(ledger.frame.columns)

    def need(*names: str, any_of: bool = False) -> str | None:
        ok = any(n in present for n in names) if any_of else all(n in present for n in names)
        if ok:
            return None
        return ("needs one of " if any_of else "needs ") + ", ".join(names)

    return {
        "aging": need(*AGING_SOURCES, any_of=True),
        "five_tier": need(*AGING_SOURCES, any_of=True),
        "under_classified": need("ledger_class"),
        "claim_limitation": need("maturity_date", "overdue_since", any_of=True),
        "guarantee_period": need("guarantors"),
        "enforcement": need("judgment_effective_on", "performance_due_on", any_of=True),
        "debtor_rollup": need("debtor_id", "debtor_name", any_of=True),
        "debtor_type": need("contact_status", "overdue_reason", "last_payment_date", any_of=True),
    }
