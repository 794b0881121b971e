"""Portfolio measures the way the regulator defines them (DOMAIN §6), loan by loan over the
whole ledger: size and quality on the ledger's own class and on the overdue floor, migration
rates between two snapshots, provisions. Pure functions over frames; never over a filtered
worklist, never with a debtor's worst class spread over its loans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from npl_cli.aging import age, apply_debtor_contagion, finish_classes
from npl_cli.debtors import debtor_keys
from npl_cli.schema import NPL_CLASSES, RISK_CLASSES
from npl_cli.settings import AgingSettings

NPL_FROM = RISK_CLASSES.index(NPL_CLASSES[0])  # substandard and below
BREAKDOWNS = ("region", "branch", "officer", "product", "customer_type")
# 迁徙率: for each start class, the classes that count as worse
WORSE_FROM = {"normal": 1, "special_mention": 2, "substandard": 3, "doubtful": 4}


def classified(frame: pd.DataFrame, as_of: pd.Timestamp, aging: AgingSettings) -> pd.DataFrame:
    """The loans with their floor (`risk_class_code`) and ledger class (`ledger_class_code`,
    -1 when the ledger gives none), dpd and band: the same classes `npl triage` gives."""
    aged, _ = age(frame, as_of, aging)
    debtor, _ = debtor_keys(aged)
    floors, _ = apply_debtor_contagion(aged, debtor, aging)
    return finish_classes(aged, floors)


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def size_and_quality(loans: pd.DataFrame) -> dict[str, Any]:
    """Loans, balance, balance and count by class on both bases, the NPL balance and ratio on
    both, and the 应调未调 balance (a ledger class better than the floor)."""
    balance = loans["balance"].to_numpy(dtype=float)
    floor = loans["risk_class_code"].to_numpy().astype(np.int64)
    ledger = loans["ledger_class_code"].to_numpy().astype(np.int64)
    total = float(balance.sum())
    by_class = []
    for code, name in enumerate(RISK_CLASSES):
        on_ledger, on_floor = ledger == code, floor == code
        by_class.append({
            "class": name,
            "ledger_loans": int(on_ledger.sum()), "ledger_balance": _money(balance[on_ledger]),
            "floor_loans": int(on_floor.sum()), "floor_balance": _money(balance[on_floor]),
        })  # fmt: skip
    ledger_npl = _money(balance[ledger >= NPL_FROM])
    floor_npl = _money(balance[floor >= NPL_FROM])
    under = (ledger >= 0) & (ledger < floor)
    return {
        "loans": len(loans),
        "balance": round(total, 2),
        "npl": {
            "ledger": {"balance": ledger_npl, "ratio": ratio(ledger_npl, total)},
            "floor": {"balance": floor_npl, "ratio": ratio(floor_npl, total)},
        },
        "unclassified_by_ledger": {
            "loans": int((ledger < 0).sum()),
            "balance": _money(balance[ledger < 0]),
        },  # fmt: skip
        "under_classified": {"loans": int(under.sum()), "balance": _money(balance[under])},
        "by_class": by_class,
    }


def _money(values: np.ndarray) -> float:
    return round(float(values.sum()), 2)


def breakdown(loans: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    """Size and NPL ratios on both bases per value of `column` (largest balance first)."""
    if column not in loans:
        return []
    key = loans[column].astype("string").fillna("")
    balance = loans["balance"].to_numpy(dtype=float)
    ledger_npl = np.where(loans["ledger_class_code"].to_numpy() >= NPL_FROM, balance, 0.0)
    floor_npl = np.where(loans["risk_class_code"].to_numpy() >= NPL_FROM, balance, 0.0)
    grouped = pd.DataFrame({"key": key, "balance": balance, "ledger": ledger_npl,
                            "floor": floor_npl}).groupby("key", sort=False)  # fmt: skip
    table = grouped.agg(loans=("balance", "size"), balance=("balance", "sum"),
                        ledger=("ledger", "sum"), floor=("floor", "sum"))  # fmt: skip
    table = table.sort_values(["balance"], ascending=False, kind="stable")
    return [
        {"value": str(name), "loans": int(row.loans), "balance": round(float(row.balance), 2),
         "npl_ledger_balance": round(float(row.ledger), 2),
         "npl_ledger_ratio": ratio(float(row.ledger), float(row.balance)),
         "npl_floor_balance": round(float(row.floor), 2),
         "npl_floor_ratio": ratio(float(row.floor), float(row.balance))}
        for name, row in table.iterrows()
    ]  # fmt: skip


@dataclass(frozen=True)
class Migration:
    rates: dict[str, Any]  # normal, special_mention, substandard, doubtful, normal_loans
    matrix: pd.DataFrame  # from_class, to_class (a class or "gone"), loans, start/end balance


def migration(start: pd.DataFrame, end: pd.DataFrame) -> Migration:
    """迁徙率 on the ledger class, loan by loan. The cohort of class C is the loans in C at the
    start; 期间减少 is its balance that left (loans gone, balances that fell); rate(C) = the
    cohort's end balance now in a worse class ÷ (start balance − 期间减少). New loans are in
    no cohort."""
    later = end.drop_duplicates("loan_id").set_index("loan_id")
    start_balance = start["balance"].to_numpy(dtype=float)
    at = later.index.get_indexer(pd.Index(start["loan_id"]))
    found = at >= 0
    end_balance = take_at(later["balance"].to_numpy(dtype=float), at, 0.0)
    end_class = take_at(later["ledger_class_code"].to_numpy().astype(np.int64), at, -1)
    reduced = np.clip(start_balance - end_balance, 0, None)  # gone: the whole start balance
    start_class = start["ledger_class_code"].to_numpy().astype(np.int64)
    rates: dict[str, Any] = {}
    for name, worse in WORSE_FROM.items():
        cohort = start_class == RISK_CLASSES.index(name)
        base = float(start_balance[cohort].sum() - reduced[cohort].sum())
        moved = float(end_balance[cohort & (end_class >= worse)].sum())
        rates[name] = _cohort(cohort, start_balance, reduced, moved, base)
    normal = start_class <= RISK_CLASSES.index("special_mention")
    normal &= start_class >= 0
    base = float(start_balance[normal].sum() - reduced[normal].sum())
    moved = float(end_balance[normal & (end_class >= NPL_FROM)].sum())
    rates["normal_loans"] = _cohort(normal, start_balance, reduced, moved, base)
    names = np.asarray([*RISK_CLASSES, "unclassified"], dtype=object)
    to_name = np.where(found, names[np.where(end_class >= 0, end_class, len(RISK_CLASSES))],
                       "gone")  # fmt: skip
    cells = pd.DataFrame({
        "from_class": names[np.where(start_class >= 0, start_class, len(RISK_CLASSES))],
        "to_class": to_name, "start_balance": start_balance, "end_balance": end_balance,
    })  # fmt: skip
    matrix = cells.groupby(["from_class", "to_class"], sort=False).agg(
        loans=("start_balance", "size"), start_balance=("start_balance", "sum"),
        end_balance=("end_balance", "sum"),
    ).reset_index()  # fmt: skip
    order = {name: i for i, name in enumerate([*names, "gone"])}
    matrix = matrix.sort_values(
        ["from_class", "to_class"], key=lambda s: s.map(order), kind="stable"
    ).reset_index(drop=True)
    matrix[["start_balance", "end_balance"]] = matrix[["start_balance", "end_balance"]].round(2)
    return Migration(rates, matrix)


def take_at(values: np.ndarray, at: np.ndarray, missing: float) -> np.ndarray:
    """`values[at]`, `missing` where `at` is -1 (a loan the other snapshot lacks)."""
    if not len(values):
        return np.full(len(at), missing)
    return np.where(at >= 0, values[np.maximum(at, 0)], missing)


def _cohort(
    cohort: np.ndarray, start: np.ndarray, reduced: np.ndarray, moved: float, base: float
) -> dict[str, Any]:
    return {
        "loans": int(cohort.sum()),
        "start_balance": _money(start[cohort]),
        "reduced": _money(reduced[cohort]),
        "moved_worse": round(moved, 2),
        "rate": ratio(moved, base) if base > 0 else None,
    }


def provisions(
    by_class: Sequence[Mapping[str, Any]],
    rates: Mapping[str, float],
    total: float,
    npl_balance: float,
    held: float | None,
) -> dict[str, Any]:
    """Required provisions = Σ class balance × reference rate (on the ledger's class); 贷款拨备率
    = provisions ÷ all loans; 拨备覆盖率 = provisions ÷ NPL; `held` (config) compared."""
    required = sum(row["ledger_balance"] * rates[row["class"]] for row in by_class)
    required = round(required, 2)
    measured_on = held if held is not None else required
    return {
        "rates": dict(rates),
        "required": required,
        "held": held,
        "loan_provision_ratio": ratio(measured_on, total),
        "coverage_ratio": ratio(measured_on, npl_balance),
    }


def trend_point(
    day: pd.Timestamp, loans: pd.DataFrame, band_names: Sequence[str]
) -> dict[str, Any]:
    """One snapshot's size, NPL on both bases and overdue balance by band."""
    quality = size_and_quality(loans)
    balance = loans["balance"].to_numpy(dtype=float)
    band = loans["band"].astype(str).to_numpy(dtype=object)
    overdue = {name: _money(balance[band == name]) for name in band_names[1:]}  # M0 is current
    return {
        "as_of": f"{day:%Y-%m-%d}",
        "loans": quality["loans"],
        "balance": quality["balance"],
        "npl_ledger_balance": quality["npl"]["ledger"]["balance"],
        "npl_ledger_ratio": quality["npl"]["ledger"]["ratio"],
        "npl_floor_balance": quality["npl"]["floor"]["balance"],
        "npl_floor_ratio": quality["npl"]["floor"]["ratio"],
        "overdue_by_band": overdue,
    }


def collections(
    start: pd.DataFrame,
    end: pd.DataFrame,
    actions: pd.DataFrame,
    promises: pd.DataFrame,
    deadlines: pd.DataFrame,
    *,
    since: pd.Timestamp,
    until: pd.Timestamp,
) -> dict[str, Any]:
    """What the period's work brought (since < day <= until): cash in the log and the fall in
    overdue loans' balances, the cure rate, promises, actions by officer and kind, and the
    deadlines that fell due in it, met or missed. `deadlines` are as of `until` (with
    loan_id, kind, deadline, status); `promises` as promise_status gives them as of `until`."""
    in_period = (actions["date"] > since) & (actions["date"] <= until)
    done = actions[in_period]
    payments = done[done["kind"] == "payment"]
    later = end.drop_duplicates("loan_id").set_index("loan_id")
    at = later.index.get_indexer(pd.Index(start["loan_id"]))
    found = at >= 0
    end_balance = take_at(later["balance"].to_numpy(dtype=float), at, 0.0)
    end_dpd = take_at(later["dpd"].to_numpy(), at, -1)
    start_balance = start["balance"].to_numpy(dtype=float)
    overdue = start["dpd"].to_numpy() > 0
    fell = np.clip(start_balance - end_balance, 0, None)
    cured = overdue & found & (end_dpd == 0)
    made = promises[(promises["date"] > since) & (promises["date"] <= until)]
    officer = later["officer"] if "officer" in later else pd.Series(dtype=object)
    by_officer = (
        done.assign(officer=done["loan_id"].map(officer).fillna(""))
        .groupby(["officer", "kind"], sort=True).size().rename("actions").reset_index()
    )  # fmt: skip
    due = deadlines[(deadlines["deadline"] > since) & (deadlines["deadline"] <= until)]
    status = due["status"].astype(str)
    return {
        "from": f"{since:%Y-%m-%d}",
        "to": f"{until:%Y-%m-%d}",
        "cash_collected": _money(payments["amount"].fillna(0.0).to_numpy(dtype=float)),
        "payments": len(payments),
        "overdue_balance_reduced": _money(fell[overdue & found]),
        "overdue_balance_gone": _money(start_balance[overdue & ~found]),
        "cure_rate": ratio(float(cured.sum()), float(overdue.sum())),
        "cured_loans": int(cured.sum()),
        "overdue_loans_at_start": int(overdue.sum()),
        "promises": {
            "made": len(made),
            "kept": int((made["status"] == "kept").sum()),
            "broken": int((made["status"] == "broken").sum()),
            "open": int((made["status"] == "open").sum()),
        },
        "actions_by_officer": by_officer.to_dict("records"),
        "deadlines": {
            "due_in_period": len(due),
            "met": int(status.isin(["met", "in_litigation"]).sum()),
            "missed": int((status == "expired").sum()),
        },
    }
