"""`npl report`: the portfolio measured the way the regulator does, over one ledger or a
period of workspace snapshots, as the JSON contract of the issue and the frames the screen and
the workbook show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from npl_cli.config import Settings
from npl_cli.deadlines import compute_deadlines
from npl_cli.followup import promise_status
from npl_cli.measure import (
    BREAKDOWNS,
    breakdown,
    classified,
    collections,
    migration,
    provisions,
    size_and_quality,
    trend_point,
)
from npl_cli.messages import said
from npl_cli.pipeline.limitation import deadline_settings
from npl_cli.pipeline.rolls import roll_rates
from npl_cli.pipeline.source import apply_log

Snapshot = tuple[pd.Timestamp, pd.DataFrame]


@dataclass
class PortfolioReport:
    payload: dict[str, Any]  # the JSON contract
    matrix: pd.DataFrame | None  # the class transition matrix
    rolls: pd.DataFrame | None  # DPD-band roll rates
    notes: list[str] = field(default_factory=list)


def report(
    snapshots: Sequence[Snapshot],
    settings: Settings,
    *,
    actions: pd.DataFrame | None = None,
    trend: Sequence[Snapshot] = (),
) -> PortfolioReport:
    """The report of the last snapshot, measured against the first (a period) when there are
    two; `snapshots` oldest first. `actions` (the workspace's log) give the period's
    collection results; `trend` the snapshots of the trend (default: the period's)."""
    aging = settings.typed.aging
    measured = [(day, classified(frame, day, aging)) for day, frame in snapshots]
    trended = [(day, classified(frame, day, aging)) for day, frame in trend] or measured
    (start_day, start), (end_day, end) = measured[0], measured[-1]
    quality = size_and_quality(end)
    provision = settings.typed.provisions
    npl_balance = quality["npl"]["ledger"]["balance"]
    notes: list[str] = []
    payload: dict[str, Any] = {
        "as_of": f"{end_day:%Y-%m-%d}",
        "from": f"{start_day:%Y-%m-%d}" if len(measured) > 1 else None,
        **quality,
        "by": {column: breakdown(end, column) for column in BREAKDOWNS},
        "migration": None,
        "provisions": {
            **provisions(
                quality["by_class"],
                provision.rates,
                quality["balance"],
                npl_balance,
                provision.held,
            ),  # fmt: skip
            "loan_provision_line": provision.loan_provision_line,
            "coverage_line": provision.coverage_line,
        },
        "collections": None,
        "trend": [trend_point(day, loans, aging.band_names) for day, loans in trended],
        "rolls": None,
    }
    matrix = rolls = None
    if len(measured) == 1:
        notes.append(
            said(
                "one snapshot: no migration rates, roll rates or collection results (they need "
                "a period: load another month, or give --from)",
                "只有一期快照：迁徙率、账龄迁徙与清收成效需要两期"
                "（再载入一个月的台账，或用 --from）",
            )
        )
    else:
        moved = migration(start, end)
        matrix = moved.matrix
        payload["migration"] = {**moved.rates, "matrix": matrix.to_dict("records")}
        rolled = roll_rates(snapshots[0][1], snapshots[-1][1], settings, start=start_day,
                            end=end_day)  # fmt: skip
        rolls = rolled.rows
        payload["rolls"] = rolls.to_dict("records")
        if actions is not None:
            payload["collections"] = _collections(snapshots, start, end, actions, settings)
    return PortfolioReport(payload, matrix, rolls, notes)


def _collections(
    snapshots: Sequence[Snapshot],
    start: pd.DataFrame,
    end: pd.DataFrame,
    actions: pd.DataFrame,
    settings: Settings,
) -> dict[str, Any]:
    """The period's work: the end snapshot's deadlines as of its day (with the log applied),
    the promises as of then, and what changed between the two snapshots."""
    (since, _), (until, end_frame) = snapshots[0], snapshots[-1]
    frame, events = apply_log(end_frame, actions, settings, as_of=until, since=since)
    deadlines = compute_deadlines(frame, events, as_of=until, settings=deadline_settings(settings))
    table = deadlines.table.assign(status=deadlines.table["status"].astype(str))
    return collections(start, end, actions, promise_status(actions, until), table,
                       since=since, until=until)  # fmt: skip
