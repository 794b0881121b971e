"""What the action log says about each loan since the ledger was drawn up: the promises kept,
broken and open (payments allocated to promises first-in, first-out, so one payment never keeps
two promises), the last time the debtor was reached, what was paid since the snapshot, and the
last action. Pure functions over frames, vectorised across loans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.deadlines.events import DELIVERED, SIGNED, evidence_class
from npl_cli.settings import DeadlineSettings
from npl_cli.text import contains_any

PAID_TOLERANCE = 0.005  # half a fen: a promise paid to the fen is kept
# Acts of the debtor's own: each reached them.
REACHED_ACTS = ("payment", "promise", "acknowledgment", "repayment_plan")
# A call or visit that reached nobody (未接通, 关机 …) is no contact.
FAILED_CONTACT_WORDS = ("未接通", "无人接听", "无法接通", "关机", "停机", "空号", "拒接",
                        "未见到", "不在家", "无人", "失联", "no answer", "unreachable")  # fmt: skip
FACT_COLUMNS = ("last_contact_date", "paid_since_snapshot", "promises_kept", "promises_broken",
                "open_promise_date", "open_promise_amount", "open_promise_method",
                "last_action", "last_action_date", "suit_on",
                "reached_since_snapshot")  # fmt: skip
RECENT_DAYS = 31  # without a snapshot date, "since the snapshot" is the last month
SUIT_ACTS = ("suit", "payment_order", "arbitration")


def promise_status(actions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Each promise with `paid` (what its payments brought) and `status`: 'kept' once the
    payments allocated to it cover its amount, else 'open' until its date passes, then
    'broken'. Each payment goes wholly to the earliest-made promise still unpaid whose window
    (made .. promised date) holds it: first in, first out."""
    promises = actions[actions["kind"] == "promise"].copy()
    if promises.empty:
        return promises.assign(paid=[], status=[])
    due = promises["promise_date"].fillna(promises["date"]).to_numpy("datetime64[ns]")
    made = promises["date"].to_numpy("datetime64[ns]")
    target = promises["promise_amount"].fillna(0.0).to_numpy(dtype=float)
    paid = _allocated(actions, promises["loan_id"].to_numpy(dtype=object), made, due, target)
    passed = due < np.datetime64(pd.Timestamp(as_of), "ns")
    kept = paid >= target - PAID_TOLERANCE
    promises["paid"] = paid
    promises["status"] = np.where(kept, "kept", np.where(passed, "broken", "open"))
    return promises


def _allocated(
    actions: pd.DataFrame, loans: np.ndarray, made: np.ndarray, due: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """What each promise was paid under first-in, first-out allocation. The k-th payment of
    every loan is placed in round k, all loans at once, so a round sees what earlier payments
    left unpaid."""
    paid = np.zeros(len(target))
    payments = actions[(actions["kind"] == "payment") & actions["loan_id"].isin(set(loans))]
    if payments.empty:
        return paid
    payments = payments.sort_values(["loan_id", "date", "id"], kind="stable")
    rank = payments.groupby("loan_id", sort=False).cumcount().to_numpy()
    promised = pd.DataFrame({"loan_id": loans, "promise": np.arange(len(target)),
                             "made": made, "due": due})  # fmt: skip
    for round_ in range(int(rank.max()) + 1):
        batch = payments[rank == round_][["loan_id", "date", "amount"]]
        pairs = batch.reset_index(drop=True).reset_index(names="payment").merge(promised, "inner")
        room = target[pairs["promise"].to_numpy()] - paid[pairs["promise"].to_numpy()]
        fits = (pairs["made"] <= pairs["date"]) & (pairs["date"] <= pairs["due"])
        pairs = pairs[fits.to_numpy() & (room > PAID_TOLERANCE)]
        first = pairs.sort_values(["payment", "made", "promise"]).drop_duplicates("payment")
        np.add.at(paid, first["promise"].to_numpy(), first["amount"].fillna(0.0).to_numpy())
    return paid


def loan_facts(
    frame: pd.DataFrame,
    actions: pd.DataFrame,
    rows: np.ndarray,
    guarantor_acts: np.ndarray,
    *,
    as_of: pd.Timestamp,
    since: pd.Timestamp | None,
    settings: DeadlineSettings,
) -> pd.DataFrame:
    """The loans with FACT_COLUMNS from the log (`rows`: each action's row in `frame`, -1 for
    none; `guarantor_acts`: a guarantor's own acts, which are not the borrower's). `since`:
    the date the ledger is of; payments after it are paid since the snapshot."""
    out = frame.copy(deep=False)
    n = len(out)
    own = (rows >= 0) & ~guarantor_acts
    kinds = actions["kind"].to_numpy(dtype=object)
    dates = actions["date"].to_numpy("datetime64[ns]")
    reached = own & _reached(actions, settings)
    out["last_contact_date"] = _latest(rows, dates, reached, n)
    start = since if since is not None else as_of - pd.Timedelta(days=RECENT_DAYS)
    recent = reached & (dates > np.datetime64(pd.Timestamp(start), "ns"))
    out["reached_since_snapshot"] = np.bincount(rows[recent], minlength=n) > 0
    out["suit_on"] = _latest(rows, dates, own & np.isin(kinds, SUIT_ACTS), n)
    payment = own & (kinds == "payment")
    if since is not None:
        payment &= dates > np.datetime64(pd.Timestamp(since), "ns")
    amounts = actions["amount"].fillna(0.0).to_numpy(dtype=float)
    out["paid_since_snapshot"] = np.round(
        np.bincount(rows[payment], weights=amounts[payment], minlength=n), 2
    )
    _add_promises(out, actions, rows, as_of)
    _add_last_action(out, actions, rows)
    return out


def _reached(actions: pd.DataFrame, settings: DeadlineSettings) -> np.ndarray:
    """Actions that reached the debtor: their own acts, a call or visit that got through,
    a demand signed for or delivered."""
    kinds = actions["kind"]
    said = [actions[c].astype("string").fillna("") for c in ("method", "evidence", "note")]
    words = said[0] + " " + said[1] + " " + said[2]
    talked = kinds.isin(("call", "visit")).to_numpy() & ~contains_any(words, FAILED_CONTACT_WORDS)
    delivered = np.isin(evidence_class(actions["evidence"], settings), (DELIVERED, SIGNED))
    demand = (kinds == "demand").to_numpy() & delivered
    return kinds.isin(REACHED_ACTS).to_numpy() | talked | demand


def _latest(rows: np.ndarray, dates: np.ndarray, chosen: np.ndarray, n: int) -> np.ndarray:
    """The latest date per row among the chosen actions (NaT where none)."""
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if chosen.any():
        latest = pd.Series(dates[chosen]).groupby(rows[chosen]).max()
        out[latest.index.to_numpy()] = latest.to_numpy(dtype="datetime64[ns]")
    return out


def _add_promises(
    out: pd.DataFrame, actions: pd.DataFrame, rows: np.ndarray, as_of: pd.Timestamp
) -> None:
    n = len(out)
    status = promise_status(actions, as_of)
    at = pd.Series(rows, index=actions.index)[status.index].to_numpy()
    placed = at >= 0
    state = status["status"].to_numpy(dtype=object)
    for name, code in (("promises_kept", "kept"), ("promises_broken", "broken")):
        picked = placed & (state == code)
        out[name] = np.bincount(at[picked], minlength=n)
    ledger = out["broken_promises"].to_numpy(dtype=float) if "broken_promises" in out else None
    log = out["promises_broken"].to_numpy(dtype=float)
    out["broken_promises"] = log if ledger is None else np.fmax(np.nan_to_num(ledger), log)
    # the nearest open promise of each loan: its date, what is still due, and how
    open_ = status[placed & (state == "open")].assign(row=at[placed & (state == "open")])
    nearest = open_.sort_values(["row", "promise_date", "id"]).drop_duplicates("row")
    where = nearest["row"].to_numpy()
    date = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    date[where] = nearest["promise_date"].to_numpy("datetime64[ns]")
    amount = np.full(n, np.nan)
    left = nearest["promise_amount"].fillna(0.0) - nearest["paid"]
    amount[where] = np.round(left.to_numpy(dtype=float), 2)
    method = np.full(n, None, dtype=object)
    method[where] = nearest["method"].to_numpy(dtype=object)
    out["open_promise_date"], out["open_promise_amount"] = date, amount
    out["open_promise_method"] = method


def _add_last_action(out: pd.DataFrame, actions: pd.DataFrame, rows: np.ndarray) -> None:
    n = len(out)
    placed = actions[rows >= 0].assign(row=rows[rows >= 0])
    last = placed.sort_values(["row", "date", "id"]).drop_duplicates("row", keep="last")
    where = last["row"].to_numpy()
    kind = np.full(n, None, dtype=object)
    kind[where] = last["kind"].to_numpy(dtype=object)
    date = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    date[where] = last["date"].to_numpy("datetime64[ns]")
    out["last_action"], out["last_action_date"] = kind, date


def without_log(frame: pd.DataFrame) -> pd.DataFrame:
    """A ledger read without an action log still has the fact columns, empty, so that rules
    naming them read 'missing' rather than fail."""
    missing = [c for c in FACT_COLUMNS if c not in frame]
    if not missing:
        return frame
    out = frame.copy(deep=False)
    n = len(out)
    for column in missing:
        if column.endswith("_date") or column == "suit_on":
            out[column] = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        elif column in ("open_promise_method", "last_action"):
            out[column] = np.full(n, None, dtype=object)
        elif column == "reached_since_snapshot":
            out[column] = np.zeros(n, dtype=bool)
        elif column == "open_promise_amount":
            out[column] = np.full(n, np.nan)
        else:
            out[column] = np.zeros(n, dtype=np.int64 if column.startswith("promises") else float)
    return out
