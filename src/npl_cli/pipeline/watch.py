"""`npl watch`: the performing book scored by the warning rules, by loan or by debtor, and
the back-test of those rules on the workspace's snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from npl_cli.config import Settings
from npl_cli.debtors import debtor_keys, debtor_order
from npl_cli.priority import where_text
from npl_cli.text import join_present
from npl_cli.warning import (
    ACTIONS_EN,
    Snapshot,
    backtest,
    backtest_data,
    compile_warnings,
    levels,
    measured,
    performing,
    score,
    watch_frame,
)

LOAN_COLUMNS = [
    "rank",
    "loan_id",
    "debtor_id",
    "debtor_name",
    "balance",
    "dpd",
    "ledger_class",
    "score",
    "level",
    "reasons",
    "suggested_actions",
    "officer",
    "branch",
    "region",
]
DEBTOR_COLUMNS = [*LOAN_COLUMNS[:4], "loans", *LOAN_COLUMNS[4:]]
SEPARATOR = {"zh": "；", "en": "; "}


@dataclass
class WatchResult:
    rows: pd.DataFrame  # LOAN_COLUMNS or DEBTOR_COLUMNS, highest score first
    as_of: pd.Timestamp
    by: str
    scored: int  # performing loans scored
    counts: dict[str, int]  # rows by level


@dataclass
class WatchPart:
    """The scored performing loans (or debtors) of some debtors, before ranking, with
    `_order`, their place in the whole ledger."""

    rows: pd.DataFrame
    scored: int


def watch(
    history: Sequence[Snapshot], settings: Settings, *, as_of: pd.Timestamp, by: str, lang: str
) -> WatchResult:
    """Score the last snapshot's performing loans; `history` (oldest first) feeds the
    signals that need earlier months (a single ledger has none)."""
    part = watch_part(history, settings, as_of=as_of, by=by, lang=lang)
    return ranked_watch([part], as_of=as_of, by=by)


def watch_part(
    history: Sequence[Snapshot],
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    by: str,
    lang: str,
    positions: np.ndarray | None = None,
    guarantor_signals: pd.DataFrame | None = None,
) -> WatchPart:
    """watch for the loans of the last snapshot (all of each debtor's), unranked.
    `positions`: each loan's place in the whole ledger (default: its row);
    `guarantor_signals`: those of the whole ledger for these loans (default: computed here)."""
    warnings = compile_warnings(settings.warnings)
    thresholds = settings.data["watch"]["levels"]
    everything = watch_frame(measured(history, settings.typed.aging), as_of, guarantor_signals)
    keep = np.flatnonzero(performing(everything))
    # scored on every loan (row by row), then only the listed columns of the performing ones
    # are moved: the wide frame is never filtered or sorted as a whole
    scored = score(everything, warnings, as_of).iloc[keep].reset_index(drop=True)
    shown = [c for c in LOAN_COLUMNS if c in everything]
    frame = everything[shown].iloc[keep].reset_index(drop=True)
    frame["_order"] = (np.arange(len(everything)) if positions is None else positions)[keep]
    frame["score"] = scored["score"].to_numpy()
    frame["level"] = levels(frame["score"].to_numpy(), thresholds)
    parts = [where_text(scored[w.name].to_numpy(dtype=bool), w.reason[lang]) for w in warnings]
    frame["reasons"] = (
        join_present(parts, SEPARATOR[lang]) if parts else pa.nulls(len(frame), pa.string())
    ).to_pandas()
    joiner, words = (", ", ACTIONS_EN) if lang == "en" else ("、", {})
    actions = {
        level: joiner.join(words.get(word, word) for word in listed)
        for level, listed in settings.data["watch"]["actions"].items()
    }
    frame["suggested_actions"] = frame["level"].map(actions)
    if by == "debtor":
        frame = _by_debtor(frame)
    return WatchPart(frame, len(scored))


def ranked_watch(parts: Sequence[WatchPart], *, as_of: pd.Timestamp, by: str) -> WatchResult:
    """The parts' rows as one list: highest score first, then larger balance, then ledger
    order."""
    frame = pd.concat([p.rows for p in parts], ignore_index=True) if len(parts) > 1 else (
        parts[0].rows
    )  # fmt: skip
    order = np.lexsort(
        (
            frame["_order"].to_numpy(),
            -frame["balance"].to_numpy(dtype=float),
            -frame["score"].to_numpy(dtype=float),
        )
    )
    ranked = frame.drop(columns="_order").iloc[order].reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    columns = DEBTOR_COLUMNS if by == "debtor" else LOAN_COLUMNS
    for column in columns:
        if column not in ranked:
            ranked[column] = None
    counts = {level: int((ranked["level"] == level).sum()) for level in ("red", "amber", "green")}
    return WatchResult(ranked[columns], as_of, by, sum(p.scored for p in parts), counts)


def _by_debtor(frame: pd.DataFrame) -> pd.DataFrame:
    """A debtor's highest-scoring loan speaks for it; balances add up, the worst DPD counts."""
    debtor, _ = debtor_keys(frame)
    order = np.lexsort((-frame["score"].to_numpy(dtype=float), debtor))
    first = order[np.r_[True, debtor[order][1:] != debtor[order][:-1]]]
    out = frame.iloc[first].reset_index(drop=True)
    count = int(debtor.max(initial=-1)) + 1
    out["_order"] = debtor_order(frame, debtor, frame["_order"].to_numpy(), count)[debtor[first]]
    out["loans"] = np.bincount(debtor, minlength=count)[debtor[first]]
    out["balance"] = np.round(
        np.bincount(debtor, weights=frame["balance"].to_numpy(dtype=float), minlength=count), 2
    )[debtor[first]]
    worst = np.zeros(count)
    np.maximum.at(worst, debtor, frame["dpd"].to_numpy(dtype=float))
    out["dpd"] = worst[debtor[first]].astype(np.int64)
    return out


def watch_backtest(
    history: Sequence[Snapshot], settings: Settings, *, horizon: int
) -> dict[str, Any]:
    warnings = compile_warnings(settings.warnings)
    thresholds = settings.data["watch"]["levels"]
    return backtest(measured(history, settings.typed.aging), warnings, thresholds, horizon=horizon)


def watch_calibrate(
    history: Sequence[Snapshot], settings: Settings, *, horizon: int
) -> dict[str, Any]:
    from npl_cli.calibrate import calibrate

    warnings = compile_warnings(settings.warnings)
    data = backtest_data(measured(history, settings.typed.aging), warnings, horizon=horizon)
    return calibrate(data, warnings, horizon=horizon)
