"""Early warning for performing loans (预判拖欠 · 贷后管理, DOMAIN §7): warning rules are data
in the same closed vocabulary as the debtor rules, each adding points when its condition
holds; levels by score; and a back-test on the workspace's own snapshots that says whether the
rules predict. Pure functions over frames, vectorised."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.errors import ConfigError
from npl_cli.measure import NPL_FROM, classified, take_at
from npl_cli.rules import Condition, compile_condition, evaluate
from npl_cli.schema import COLUMN_BY_NAME, NAME_SEPARATORS, RISK_CLASSES
from npl_cli.settings import AgingSettings
from npl_cli.text import is_in_text, one_chunk_strings, positions_in

# what every scored loan has besides the ledger's own columns
WATCH_FIELDS = (
    "dpd",
    "balance",
    "risk_class",
    "days_since_payment",
    "balance_share",
    "days_to_maturity",
    "overdue_months_12",
    "worst_dpd_6m",
    "balance_not_falling",
    "class_downgraded_3m",
    "contact_changed_3m",
    "other_loans_overdue",
    "guarantor_overdue",
    "circle_overdue",
)
LEVELS = ("red", "amber", "green")
# the packaged post-loan actions ([watch] actions) in English; a word of the user's own stays
ACTIONS_EN = {
    "贷后检查": "post-loan check",
    "上门走访": "site visit",
    "补充担保": "more security",
    "提前催收": "early collection",
    "压降额度": "cut the limit",
    "加入重点监控": "close watch",
}
BAD_DPD = 30  # a collections "bad": rolling past DPD 30, or NPL
GUARANTOR = r"^(?P<name>[^（(]*)(?:[（(](?P<id>[^）)]*)[）)])?"


@dataclass(frozen=True)
class Warning:
    name: str
    points: float
    when: Condition
    reason: Mapping[str, str]  # zh, en


def compile_warnings(raw: Sequence[Mapping[str, Any]], extra: Sequence[str] = ()) -> list[Warning]:
    """Every warning rule checked at load: a name, points, a condition in the rule language
    and a reason in both languages; all problems at once."""
    fields = (*COLUMN_BY_NAME, *WATCH_FIELDS, *extra)
    found, problems, names = [], [], set()
    for index, entry in enumerate(raw, start=1):
        name = str(entry.get("name") or f"warning {index}")
        where = f"warning '{name}'"
        try:
            if name in names:
                raise ConfigError(f"{where}: the name is used twice; give each its own name")
            names.add(name)
            points = entry.get("points")
            if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
                raise ConfigError(f"{where}: points must be a number ≥ 0, got {points!r}")
            if "when" not in entry:
                raise ConfigError(f"{where}: has no 'when' condition")
            reason = {
                "zh": str(entry.get("reason_zh") or name),
                "en": str(entry.get("reason_en") or name),
            }
            found.append(
                Warning(
                    name, float(points), compile_condition(entry["when"], fields, where), reason
                )
            )
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        count = f"{len(problems)} problems: " if len(problems) > 1 else ""
        raise ConfigError(count + "; ".join(problems))
    return found


Snapshot = tuple[pd.Timestamp, pd.DataFrame]


def measured(snapshots: Sequence[Snapshot], aging: AgingSettings) -> list[Snapshot]:
    """Each snapshot's loans with dpd, band and classes (floor and ledger), as of its day."""
    return [(day, classified(frame, day, aging)) for day, frame in snapshots]


def watch_frame(
    history: Sequence[Snapshot],
    as_of: pd.Timestamp,
    guarantor_signals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The last snapshot's loans with the fields the warning rules read; `history` (measured,
    oldest first, the last being the loans scored) gives the fields that need earlier months.
    `guarantor_signals`: guarantor_overdue and circle_overdue per loan, computed over a whole
    ledger of which these loans are a part (guarantor_signals)."""
    loans = history[-1][1].reset_index(drop=True)
    today = pd.Timestamp(as_of).normalize()
    codes = loans["risk_class_code"].to_numpy().astype(np.int8)
    out = loans.assign(
        risk_class=pd.Categorical.from_codes(codes, categories=pd.Index(RISK_CLASSES), ordered=True)
    )
    n = len(out)
    paid = pd.to_datetime(out["last_payment_date"]) if "last_payment_date" in out else None
    out["days_since_payment"] = (today - paid).dt.days if paid is not None else np.nan
    principal = out["principal"].to_numpy(dtype=float) if "principal" in out else np.full(n, np.nan)
    out["balance_share"] = np.divide(
        out["balance"].to_numpy(dtype=float), principal, out=np.full(n, np.nan), where=principal > 0
    )
    mature = pd.to_datetime(out["maturity_date"]) if "maturity_date" in out else None
    out["days_to_maturity"] = (mature - today).dt.days if mature is not None else np.nan
    return _with_contagion(_with_history(out, history), guarantor_signals)


def _with_history(out: pd.DataFrame, measured: Sequence[Snapshot]) -> pd.DataFrame:
    """Months with DPD > 0 among the last 12 snapshots, the worst DPD of the last 6, a balance
    not falling over the last 3, a ledger class worse than 3 snapshots ago."""
    ids = pd.Index(out["loan_id"])
    past = measured[:-1]
    if not past:
        return out.assign(
            overdue_months_12=np.nan,
            worst_dpd_6m=np.nan,
            balance_not_falling=False,
            class_downgraded_3m=False,
            contact_changed_3m=False,
        )
    overdue_months = (out["dpd"].to_numpy() > 0).astype(float)
    worst = out["dpd"].to_numpy(dtype=float).copy()
    for back, (_, frame) in enumerate(reversed(past), start=1):
        at = ids.get_indexer(pd.Index(frame["loan_id"]))
        rows, there = at[at >= 0], (at >= 0)
        dpd = frame["dpd"].to_numpy(dtype=float)[there]
        if back < 12:
            np.add.at(overdue_months, rows, (dpd > 0).astype(float))
        if back < 6:
            worst[rows] = np.fmax(worst[rows], dpd)
    three = past[-3] if len(past) >= 3 else past[0]
    then = three[1].set_index("loan_id")
    at = then.index.get_indexer(ids)
    balance_then = np.where(
        at >= 0, then["balance"].to_numpy(dtype=float)[np.maximum(at, 0)], np.nan
    )
    class_then = np.where(at >= 0, then["ledger_class_code"].to_numpy()[np.maximum(at, 0)], -1)
    class_now = out["ledger_class_code"].to_numpy()
    amortising = out["balance"].to_numpy(dtype=float) > 0
    return out.assign(
        overdue_months_12=overdue_months,
        worst_dpd_6m=worst,
        balance_not_falling=amortising & (out["balance"].to_numpy(dtype=float) >= balance_then),
        class_downgraded_3m=(class_then >= 0) & (class_now > class_then),
        contact_changed_3m=_changed(out, then, at, ("phone", "address")),
    )


def _changed(now: pd.DataFrame, then: pd.DataFrame, at: np.ndarray, columns: Sequence[str]) -> Any:
    """Whether any of `columns` holds another value now than then (both known)."""
    changed = np.zeros(len(now), dtype=bool)
    for column in columns:
        if column not in now or column not in then:
            continue
        before = then[column].astype("string").fillna("").to_numpy(dtype=object)
        before = before[np.maximum(at, 0)]
        after = now[column].astype("string").fillna("").to_numpy(dtype=object)
        changed |= (at >= 0) & (before != "") & (after != "") & (before != after)
    return changed


def _with_contagion(out: pd.DataFrame, given: pd.DataFrame | None = None) -> pd.DataFrame:
    """The debtor's other loans overdue; the guarantor signals (guarantor_signals), unless
    `given` has them."""
    overdue = out["dpd"].to_numpy() > 0
    debtor = out["debtor_id"].fillna(out["debtor_name"]) if "debtor_id" in out else (
        out["debtor_name"]
    )  # fmt: skip
    debtor_codes, _ = pd.factorize(debtor.astype("string").fillna(""))
    overdue_loans = np.bincount(debtor_codes, weights=overdue)[debtor_codes]
    out = out.assign(other_loans_overdue=overdue_loans - overdue > 0)
    signals = guarantor_signals(out) if given is None else given
    return out.assign(
        guarantor_overdue=signals["guarantor_overdue"].to_numpy(),
        circle_overdue=signals["circle_overdue"].to_numpy(),
    )


GUARANTOR_FIELDS = ("debtor_id", "debtor_name", "guarantors")  # what they read, and dpd


def guarantor_signals(out: pd.DataFrame) -> pd.DataFrame:
    """Per loan: a guarantor who is an overdue debtor elsewhere in the ledger (by the ID
    written after the name, "乙五（ID）", else by name); a guarantee circle (two debtors
    guaranteeing each other) with an overdue member. Reads dpd, debtor_id, debtor_name and
    guarantors of the whole ledger."""
    overdue = out["dpd"].to_numpy() > 0
    none = np.zeros(len(out), dtype=bool)
    if "guarantors" not in out or "debtor_name" not in out:
        return pd.DataFrame({"guarantor_overdue": none, "circle_overdue": none})
    debtor = out["debtor_id"].fillna(out["debtor_name"]) if "debtor_id" in out else (
        out["debtor_name"]
    )  # fmt: skip
    ids = one_chunk_strings(debtor.astype("string").fillna(""))
    name = one_chunk_strings(out["debtor_name"].astype("string").fillna(""))
    lists = pc.split_pattern_regex(one_chunk_strings(out["guarantors"]), NAME_SEPARATORS)
    row = pc.list_parent_indices(lists).to_numpy()
    # "乙五（110101199001011234）": a guarantor may be written with an ID, which decides
    parts = pc.extract_regex(pc.list_flatten(lists), GUARANTOR)
    guarantor = pc.utf8_trim_whitespace(parts.field("name"))
    written_id = pc.utf8_trim_whitespace(parts.field("id"))
    written_id = pc.if_else(pc.equal(written_id, ""), pa.scalar(None, pa.string()), written_id)
    named = pc.fill_null(pc.not_equal(guarantor, ""), False).to_numpy(zero_copy_only=False)
    row, guarantor, written_id = row[named], guarantor.filter(named), written_id.filter(named)
    by_id = is_in_text(written_id, ids)
    at = positions_in(ids.to_pandas(), written_id.to_pandas())  # the debtor the ID names
    guarantor = pc.if_else(by_id, name.take(pa.array(np.maximum(at, 0))), guarantor)
    overdue_names, overdue_ids = name.filter(overdue), ids.filter(overdue)
    edge_overdue = np.where(
        by_id, is_in_text(written_id, overdue_ids), is_in_text(guarantor, overdue_names)
    )
    guarantor_overdue = np.zeros(len(out), dtype=bool)
    guarantor_overdue[row[edge_overdue]] = True
    # a circle: the borrower B guarantees a loan of the guarantor G while G guarantees B's
    pairs = pd.DataFrame(
        {"borrower": name.take(pa.array(row)).to_pandas(), "guarantor": guarantor.to_pandas(),
         "row": row}
    )  # fmt: skip
    mutual = pairs.merge(
        pairs[["borrower", "guarantor"]].rename(
            columns={"borrower": "guarantor", "guarantor": "borrower"}
        ),
        on=["borrower", "guarantor"],
    )
    members_overdue = is_in_text(one_chunk_strings(mutual["borrower"]), overdue_names) | is_in_text(
        one_chunk_strings(mutual["guarantor"]), overdue_names
    )
    circle = np.zeros(len(out), dtype=bool)
    circle[mutual.loc[members_overdue, "row"].to_numpy(dtype=np.int64)] = True
    return pd.DataFrame({"guarantor_overdue": guarantor_overdue, "circle_overdue": circle})


def score(frame: pd.DataFrame, warnings: Sequence[Warning], as_of: pd.Timestamp) -> pd.DataFrame:
    """Per loan: each warning's hit (a column per rule name), the score and the rules hit."""
    hits = pd.DataFrame(
        {w.name: evaluate(w.when, frame, as_of) for w in warnings}, index=frame.index
    )
    points = np.array([w.points for w in warnings])
    total = hits.to_numpy(dtype=float) @ points if len(warnings) else np.zeros(len(frame))
    return hits.assign(score=total)


def levels(scores: np.ndarray, thresholds: Mapping[str, float]) -> np.ndarray:
    return np.select(
        [scores >= thresholds["red"], scores >= thresholds["amber"]], ["red", "amber"], "green"
    ).astype(object)


def performing(frame: pd.DataFrame) -> np.ndarray:
    """Loans not yet NPL: floor normal or special mention."""
    return frame["risk_class_code"].to_numpy() < NPL_FROM


def outcomes(history: Sequence[Snapshot], at: int, horizon: int) -> np.ndarray:
    """Whether each loan of snapshot `at` went bad within `horizon` snapshots: past DPD 30
    (when it was at most 30 then), NPL, or gone while more than 90 days overdue (a
    write-off)."""
    now = history[at][1]
    ids = pd.Index(now["loan_id"])
    dpd_now = now["dpd"].to_numpy()
    bad = np.zeros(len(now), dtype=bool)
    last_dpd = dpd_now.astype(float).copy()
    seen = np.ones(len(now), dtype=bool)
    for _, later in history[at + 1 : at + 1 + horizon]:
        where = pd.Index(later["loan_id"]).get_indexer(ids)
        present = where >= 0
        dpd = take_at(later["dpd"].to_numpy(), where, 0)
        npl = take_at(later["risk_class_code"].to_numpy(), where, -1)
        bad |= present & (((dpd > BAD_DPD) & (dpd_now <= BAD_DPD)) | (npl >= NPL_FROM))
        bad |= seen & ~present & (last_dpd > 90)  # left the book while deep in arrears
        last_dpd = np.where(present, dpd, last_dpd)
        seen &= present
    return bad


def auc(scores: np.ndarray, bad: np.ndarray) -> float | None:
    """The chance a bad loan scores above a good one (ties half): rank statistics."""
    positives, negatives = int(bad.sum()), int((~bad).sum())
    if not positives or not negatives:
        return None
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    return float((ranks[bad].sum() - positives * (positives + 1) / 2) / (positives * negatives))


@dataclass
class BacktestData:
    """Every performing loan scored at every period that has `horizon` more snapshots after
    it: the rules it met (a column per rule), its score and whether it went bad."""

    periods: list[str]
    hits: np.ndarray  # loans × rules, bool
    scores: np.ndarray
    bad: np.ndarray
    period: np.ndarray  # each loan's period, 0-based


def backtest_data(
    history: Sequence[Snapshot], warnings: Sequence[Warning], *, horizon: int
) -> BacktestData:
    """Score the performing loans at every snapshot that has `horizon` more after it, with
    the history up to it (the last 12), next to what happened."""
    hits, scores, bads, period = [], [], [], []
    periods: list[str] = []
    for at in range(len(history) - horizon):
        day = history[at][0]
        frame = watch_frame(history[max(0, at - 11) : at + 1], day)
        keep = performing(frame)
        scored = score(frame[keep], warnings, day)
        bads.append(outcomes(history, at, horizon)[keep])
        scores.append(scored["score"].to_numpy())
        hits.append(scored.drop(columns="score").to_numpy(dtype=bool))
        period.append(np.full(int(keep.sum()), len(periods)))
        periods.append(f"{day:%Y-%m-%d}")
    if not periods:
        empty = np.zeros(0)
        return BacktestData(
            [], np.zeros((0, len(warnings)), bool), empty, empty.astype(bool), empty
        )
    return BacktestData(
        periods,
        np.concatenate(hits),
        np.concatenate(scores),
        np.concatenate(bads),
        np.concatenate(period),
    )


def backtest(
    history: Sequence[Snapshot],
    warnings: Sequence[Warning],
    thresholds: Mapping[str, float],
    *,
    horizon: int,
) -> dict[str, Any]:
    """How well the rules predicted, over all periods: hit rates, lift, recall, AUC, and per
    rule how often it fired and how often that was right."""
    data = backtest_data(history, warnings, horizon=horizon)
    if not data.periods:
        return {
            "horizon_months": horizon,
            "periods": [],
            "scored": 0,
            "flagged": 0,
            "flagged_hit_rate": None,
            "unflagged_hit_rate": None,
            "lift": None,
            "recall": None,
            "auc": None,
            "rules": [],
        }
    bad, flag = data.bad, levels(data.scores, thresholds) != "green"

    def rate(mask: np.ndarray) -> float | None:
        return float(bad[mask].mean()) if mask.any() else None

    flagged_rate, base = rate(flag), rate(np.ones(len(bad), dtype=bool))
    return {
        "horizon_months": horizon,
        "periods": data.periods,
        "scored": int(len(bad)),
        "flagged": int(flag.sum()),
        "bad": int(bad.sum()),
        "flagged_hit_rate": flagged_rate,
        "unflagged_hit_rate": rate(~flag),
        "lift": flagged_rate / base if flagged_rate is not None and base else None,
        "recall": float(bad[flag].sum() / bad.sum()) if bad.any() else None,
        "auc": auc(data.scores, bad),
        "rules": [
            {"name": w.name, "fired": int(data.hits[:, i].sum()), "hit_rate": rate(data.hits[:, i])}
            for i, w in enumerate(warnings)
        ],
    }
