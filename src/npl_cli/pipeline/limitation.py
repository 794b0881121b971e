"""`npl limitation`: the deadlines due within the window and the expired ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from npl_cli.config import Settings
from npl_cli.deadlines import (
    STATUSES,
    compute_deadlines,
    output_frame,
    select,
)
from npl_cli.errors import InputError
from npl_cli.ledger import Ledger
from npl_cli.messages import merged_notes, said
from npl_cli.progress import QUIET, Progress
from npl_cli.settings import DeadlineSettings


@dataclass
class LimitationResult:
    rows: pd.DataFrame  # the stable export columns, nearest first
    as_of: pd.Timestamp
    window_days: int
    urgent_days: int  # [triage] urgent_days: the screen's first group of due deadlines
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # every deadline by status
    alert: bool = False  # something due, or expired since `since`


def deadline_settings(
    settings: Settings, *, strict_evidence: bool = False, days: int | None = None
) -> DeadlineSettings:
    """The one way every command reads the [deadlines] settings, so that `limitation`,
    `triage` and `history` give the same answer for the same loan; a command's --days and
    --strict-evidence win where given."""
    typed = settings.typed.deadlines
    return replace(
        typed,
        window_days=typed.window_days if days is None else days,
        strict_evidence=strict_evidence,
    )


@dataclass
class LimitationPart:
    """The deadlines of some loans: their rows and what ranks them among the whole's."""

    rows: pd.DataFrame
    keys: pd.DataFrame  # status, distance, place in the ledger, kind, guarantor
    notes: list[str]
    counts: dict[str, int]
    alert: bool
    window_days: int


def limitation(
    ledger: Ledger,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    days: int | None = None,
    everything: bool = False,
    expired: bool = True,
    kinds: Sequence[str] = (),
    strict_evidence: bool = False,
    since: pd.Timestamp | None = None,
    events: pd.DataFrame | None = None,
    lang: str = "en",
    officers: Sequence[str] = (),
    branches: Sequence[str] = (),
    progress: Progress = QUIET,
) -> LimitationResult:
    """Deadlines due within the window and the expired ones (or all), nearest first; basis
    and action in the words of `lang`."""
    step = progress.task(said("computing the deadlines (steps)", "计算法定期限（步骤）"), 2)
    part = limitation_part(
        ledger, settings, as_of=as_of, days=days, everything=everything, expired=expired,
        kinds=kinds, strict_evidence=strict_evidence, since=since, events=events, lang=lang,
        officers=officers, branches=branches,
    )  # fmt: skip
    step(1)
    result = merged([part], settings, as_of)
    step(1)
    return result


def limitation_part(
    ledger: Ledger,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    days: int | None = None,
    everything: bool = False,
    expired: bool = True,
    kinds: Sequence[str] = (),
    strict_evidence: bool = False,
    since: pd.Timestamp | None = None,
    events: pd.DataFrame | None = None,
    lang: str = "en",
    officers: Sequence[str] = (),
    branches: Sequence[str] = (),
    positions: np.ndarray | None = None,
) -> LimitationPart:
    """limitation for the loans of `ledger`, unsorted among other parts. `positions`: each
    loan's place in the whole ledger (default: its row in this one)."""
    if (
        not ledger.has("maturity_date")
        and not ledger.has("overdue_since")
        and not ledger.has("accelerated_on")
    ):
        raise InputError(
            f"{ledger.file}: no maturity date (到期日) or overdue start (逾期起始日) column: "
            "deadlines cannot be computed; add one or map it in npl.toml [columns]"
        )
    options = deadline_settings(settings, strict_evidence=strict_evidence, days=days)
    computed = compute_deadlines(ledger.frame, events, as_of=as_of, settings=options)
    table = computed.table
    chosen = select(
        computed,
        window_days=options.window_days,
        everything=everything,
        expired=expired,
        kinds=kinds,
    )
    chosen = _for_people(chosen, computed.loans, {"officer": officers, "branch": branches})
    since = since if since is not None else as_of - pd.Timedelta(days=30)
    status = table["status"].astype(str).to_numpy(dtype=object)
    deadline = table["deadline"].to_numpy(dtype="datetime64[ns]")
    newly_expired = (status == "expired") & (deadline >= np.datetime64(since, "ns"))
    if kinds:
        in_kinds = table["kind"].isin(kinds).to_numpy()
        newly_expired &= in_kinds
        due = (status == "due") & in_kinds
    else:
        due = status == "due"
    counts = {str(k): int(v) for k, v in table["status"].value_counts(sort=False).items() if v}
    loan = chosen["loan"].to_numpy()
    keys = pd.DataFrame({
        "status": chosen["status"].cat.codes.to_numpy(),
        "distance": np.abs(np.nan_to_num(chosen["days_left"].to_numpy(dtype=float), nan=1e9)),
        "position": loan if positions is None else np.asarray(positions)[loan],
        "kind": chosen["kind"].cat.codes.to_numpy(),
        "guarantor": chosen["guarantor"].to_numpy(),
    })  # fmt: skip
    return LimitationPart(
        rows=output_frame(computed, chosen, lang),
        keys=keys,
        notes=computed.notes,
        counts=counts,
        alert=bool(due.any() or newly_expired.any()),
        window_days=options.window_days,
    )


def merged(
    parts: Sequence[LimitationPart], settings: Settings, as_of: pd.Timestamp
) -> LimitationResult:
    """The parts' deadlines as one list, nearest first within each status (ties in ledger
    order, borrower before guarantors), as `select` orders one ledger's."""
    rows = pd.concat([part.rows for part in parts], ignore_index=True)
    keys = pd.concat([part.keys for part in parts], ignore_index=True)
    order = np.lexsort(
        tuple(keys[c].to_numpy() for c in ("guarantor", "kind", "position", "distance", "status"))
    )
    counts: dict[str, int] = {}
    for part in parts:
        for status, count in part.counts.items():
            counts[status] = counts.get(status, 0) + count
    return LimitationResult(
        rows=rows.take(order).reset_index(drop=True),
        as_of=as_of,
        window_days=parts[0].window_days,
        urgent_days=settings.typed.priority.urgent_days,
        notes=merged_notes(part.notes for part in parts),
        counts={status: counts[status] for status in STATUSES if status in counts},
        alert=any(part.alert for part in parts),
    )


def _for_people(
    rows: pd.DataFrame, loans: pd.DataFrame, wanted: dict[str, Sequence[str]]
) -> pd.DataFrame:
    """The rows of loans kept by --officer / --branch (exact names)."""
    keep = np.ones(len(rows), dtype=bool)
    for column, names in wanted.items():
        if not names:
            continue
        if column not in loans:
            raise InputError(f"--{column}: the ledger has no {column} column")
        values = loans[column].astype("string").str.strip().to_numpy(dtype=object)
        keep &= np.isin(values[rows["loan"].to_numpy()], list(names))
    return rows[keep].reset_index(drop=True)
