"""From a ledger file to the canonical frame, with every row accounted for."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from npl_cli.errors import PROBLEM_COLUMNS, InputError
from npl_cli.ledger import coerce
from npl_cli.ledger.header import header_matcher
from npl_cli.ledger.read import RawTable, read_table
from npl_cli.schema import (
    AGING_SOURCES,
    COLUMN_BY_NAME,
    REQUIRED,
    canonical_for,
    normalize_header,
)

TOTAL_RE = r"^\s*(?:合\s*计|总\s*计|小\s*计|累\s*计|total|subtotal|grand\s*total|sum)\b"
REJECT_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]


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
) -> Ledger:
    """Read a ledger file into the canonical frame. `columns` maps canonical names to headers."""
    path = Path(path)
    overrides = dict(columns or {})
    unknown = [name for name in overrides if name not in COLUMN_BY_NAME]
    if unknown:
        raise InputError(f"[columns] names unknown canonical column '{unknown[0]}'")
    raw = read_table(
        path,
        overrides=overrides,
        sheet=sheet,
        header_row=header_row,
        encoding=encoding,
    )
    mapping = map_columns(path, raw.headers, overrides)
    return _build(path, raw, mapping)


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
        ((max(difflib.SequenceMatcher(None, normalize_header(h), a).ratio() for a in aliases), h)
         for h in headers),
        reverse=True,
    )
    close = [h for ratio, h in scored[:3] if ratio >= 0.4]
    hint = f"; closest: {', '.join(close)}" if close else ""
    found = ", ".join(headers[:30]) + (" …" if len(headers) > 30 else "")
    return (
        f"{path}: no column for {name} ({column.label_zh}); headers found: {found}{hint}. "
        f'Map it in npl.toml: [columns] {name} = "<header>"'
    )


# --- building the canonical frame ---------------------------------------------------------------


def _non_data_reason(cells: pd.DataFrame, id_header: str, balance_header: str) -> pd.Series:
    """'blank', 'repeated header', 'total row' or None per row."""
    filled = cells.notna().sum(axis=1)
    maybe_blank = cells[id_header].isna() | (filled == 0)
    if maybe_blank.any():  # cells of spaces only count as empty
        text = cells[maybe_blank].apply(coerce.clean_text)
        filled[maybe_blank] = text.notna().sum(axis=1)
    blank = filled == 0
    repeated = pd.Series(False, index=cells.index)
    for header in (id_header, balance_header):
        repeated |= (cells[header].str.strip() == header).fillna(False).astype(bool)
    lead = cells.iloc[:, : min(3, cells.shape[1])].bfill(axis=1).iloc[:, 0]
    total = pd.Series(False, index=cells.index)
    for column in (lead, cells[id_header]):
        total |= column.str.contains(TOTAL_RE, case=False, regex=True).fillna(False).astype(bool)
    reason = pd.Series(None, index=cells.index, dtype="object")
    reason[total] = "total row"
    reason[repeated] = "repeated header"
    reason[blank] = "blank"
    return reason


def _build(path: Path, raw: RawTable, mapping: list[Mapped]) -> Ledger:
    source_file = path.name
    by_name = {m.canonical: m for m in mapping}
    cells = raw.cells
    skip_reason = _non_data_reason(cells, by_name["loan_id"].header, by_name["balance"].header)
    keep = skip_reason.isna().to_numpy()
    skipped = skip_reason.value_counts().to_dict()
    if raw.blank_rows:
        skipped["blank"] = skipped.get("blank", 0) + raw.blank_rows
    cells = cells[keep].reset_index(drop=True)
    rows = raw.source_rows[keep]

    frame = pd.DataFrame(index=cells.index)
    problems: list[pd.DataFrame] = []
    mapped_headers = {m.header for m in mapping}
    for m in mapping:
        values, bad, message = _coerce_column(cells[m.header], COLUMN_BY_NAME[m.canonical].kind,
                                              m.factor)
        frame[m.canonical] = values
        if bad is not None and bad.any():
            problems.append(_problems(rows, cells[m.header], bad, m.header, message, "warning"))
    if "debtor_id" in by_name:
        findings = coerce.id_findings(frame["debtor_id"])
        flagged = findings.notna()
        if flagged.any():
            problems.append(_problems(rows, frame["debtor_id"], flagged,
                                      by_name["debtor_id"].header, findings, "warning"))
    extra = [h for h in raw.headers if h not in mapped_headers]
    for header in extra:
        frame[header] = coerce.clean_text(cells[header])
    frame["source_file"] = source_file
    frame["source_row"] = rows

    reject_reason, reject_column = _reject_reasons(frame, cells, by_name, rows)
    rejected = reject_reason.notna().to_numpy()
    value_cells = [
        cells[by_name[c].header].where(reject_column == c) for c in ("loan_id", "balance")
    ]
    rejects = pd.DataFrame({
        "source_file": source_file,
        "source_row": rows[rejected],
        "column": reject_column[rejected].map(lambda c: by_name[c].header).to_numpy(),
        "value": value_cells[0].fillna(value_cells[1])[rejected].to_numpy(),
        "reason": reject_reason[rejected].to_numpy(),
    })
    rejects = pd.concat([rejects, _malformed_rejects(raw, source_file)], ignore_index=True)
    rejects = rejects.sort_values("source_row", kind="stable").reset_index(drop=True)
    reject_problems = rejects.rename(columns={"source_row": "row", "reason": "message"})
    reject_problems["severity"] = "error"
    problems.insert(0, reject_problems[PROBLEM_COLUMNS])

    used = frame[~rejected].reset_index(drop=True)
    all_problems = pd.concat([p for p in problems if len(p)], ignore_index=True) if any(
        len(p) for p in problems) else pd.DataFrame(columns=PROBLEM_COLUMNS)
    all_problems = all_problems.sort_values(["row"], kind="stable").reset_index(drop=True)
    rows_skipped = int(sum(skipped.values()))
    rows_rejected = len(rejects)
    rows_read = len(raw.cells) + raw.blank_rows + len(raw.malformed)
    return Ledger(
        frame=used,
        file=str(path),
        sheet=raw.sheet,
        header_row=raw.header_row,
        encoding=raw.encoding,
        mapping=mapping,
        rows_read=rows_read,
        rows_used=len(used),
        rows_rejected=rows_rejected,
        rows_skipped=rows_skipped,
        skipped={str(k): int(v) for k, v in skipped.items()},
        rejects=rejects,
        problems=all_problems,
        extra_columns=extra,
    )


def _coerce_column(
    cells: pd.Series, kind: str, factor: float
) -> tuple[pd.Series, pd.Series | None, str]:
    if kind == "date":
        dates, bad = coerce.parse_dates(cells)
        return dates, bad, "not a date; use 2023-05-03, 2023/5/3, 2023年5月3日 or 20230503"
    if kind == "amount":
        amounts, bad = coerce.parse_amounts(cells, factor)
        return amounts, bad, "not an amount; ignored"
    if kind == "count":
        counts, bad = coerce.parse_counts(cells)
        return counts, bad, "not a whole number; ignored"
    if kind == "id":
        return coerce.clean_ids(cells), None, ""
    return coerce.clean_text(cells), None, ""


def _problems(
    rows: np.ndarray,
    values: pd.Series,
    mask: pd.Series,
    column: str,
    message: str | pd.Series,
    severity: str,
) -> pd.DataFrame:
    picked = mask.to_numpy(dtype=bool)
    messages = message[picked].to_numpy() if isinstance(message, pd.Series) else message
    return pd.DataFrame({
        "row": rows[picked],
        "column": column,
        "value": values[picked].astype("string").to_numpy(),
        "message": messages,
        "severity": severity,
    })


def _reject_reasons(
    frame: pd.DataFrame, cells: pd.DataFrame, by_name: Mapping[str, Mapped], rows: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """Why each row is rejected (None when used) and which canonical column is at fault."""
    reason = pd.Series(None, index=frame.index, dtype="object")
    column = pd.Series(None, index=frame.index, dtype="object")
    loan_id = frame["loan_id"]
    duplicate = loan_id.duplicated(keep="first") & loan_id.notna()
    if duplicate.any():
        first_index = loan_id[~loan_id.duplicated(keep="first") & loan_id.notna()]
        first_row = pd.Series(rows[first_index.index], index=first_index.to_numpy())
        reason[duplicate] = "duplicate loan id; first at row " + loan_id[duplicate].map(
            first_row).astype(int).astype(str)
        column[duplicate] = "loan_id"
    balance_text = coerce.clean_text(cells[by_name["balance"].header])
    bad_balance = frame["balance"].isna()
    reason[bad_balance & balance_text.notna()] = "balance is not a number"
    reason[bad_balance & balance_text.isna()] = "balance is empty"
    column[bad_balance] = "balance"
    reason[loan_id.isna()] = "missing loan id"
    column[loan_id.isna()] = "loan_id"
    return reason, column


def _malformed_rejects(raw: RawTable, source_file: str) -> pd.DataFrame:
    if raw.malformed.empty:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    width = len(raw.headers)
    return pd.DataFrame({
        "source_file": source_file,
        "source_row": raw.malformed["source_row"].astype(int).to_numpy(),
        "column": None,
        "value": raw.malformed["text"].to_numpy(),
        "reason": raw.malformed["fields"].map(
            lambda n: f"{n} fields where the header has {width}; fix the quoting or delimiters"
        ).to_numpy(),
    })


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
