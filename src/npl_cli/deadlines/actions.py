"""What the action log does to the loans and their deadlines: the actions as deadline events,
the dates they add to the loans (judgments, enforcement, payments), the promises kept or broken,
and which actions a snapshot cannot place. Pure functions over frames; the store keeps the log."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from npl_cli.deadlines.codes import DEBTOR_ACTS, EVENT_KINDS
from npl_cli.deadlines.events import ledger_events
from npl_cli.deadlines.guarantee import split_guarantors
from npl_cli.periods import date_column
from npl_cli.text import positions_in

# Actions that are a contact attempt or a remark: they move no deadline, but their words can
# show the debtor cannot be found, which lets a later public notice count.
CONTACT_KINDS = ("visit", "call", "note")
# Applied to the loans as dates rather than as events.
LOAN_DATES = (("judgment", "judgment_effective_on"),
              ("enforcement_application", "enforcement_applied_on"),
              ("enforcement_ended", "enforcement_ended_on"),
              ("payment", "last_payment_date"))  # fmt: skip


def by_guarantor(frame: pd.DataFrame, actions: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Which actions are a guarantor's own act (a payment, acknowledgment, promise or plan
    whose party is one of the loan's guarantors): they restart that guarantor's limitation,
    not the borrower's."""
    acts = actions["kind"].isin(DEBTOR_ACTS).to_numpy() & actions["party"].notna().to_numpy()
    out = np.zeros(len(actions), dtype=bool)
    if acts.any():
        parties = actions["party"].to_numpy(dtype=object)[acts]
        out[np.flatnonzero(acts)] = _is_guarantor(frame, rows[acts], parties)
    return out


def _is_guarantor(loans: pd.DataFrame, rows: np.ndarray, parties: np.ndarray) -> np.ndarray:
    """Whether each party is one of the guarantors of the loan at its row of `loans`."""
    if "guarantors" not in loans:
        return np.zeros(len(rows), dtype=bool)
    positions, names = split_guarantors(loans["guarantors"])
    guarantors = pd.DataFrame({
        "row": positions, "party": np.asarray(names.to_numpy(zero_copy_only=False), object),
        "found": True,
    }).drop_duplicates(["row", "party"])  # fmt: skip
    asked = pd.DataFrame({"row": rows, "party": parties})
    return asked.merge(guarantors, on=["row", "party"], how="left")["found"].notna().to_numpy()


def action_events(
    actions: pd.DataFrame, rows: np.ndarray, guarantor_acts: np.ndarray
) -> pd.DataFrame:
    """Actions as deadline events (loan, party, kind, date, evidence), `loan` being the
    action's row in the ledger (`rows`; actions on loans not in it are left out). The party
    is kept for demands on guarantors and for guarantors' own acts (`guarantor_acts`); any
    other act is the borrower's. The evidence is the method and evidence recorded (a written
    or oral promise, a signed notice, a public notice); a visit, call or note becomes a
    "contact" whose words include its note. Judgments and enforcement are applied to the
    loans instead (apply_actions)."""
    kinds = actions["kind"]
    contact = kinds.isin(CONTACT_KINDS).to_numpy()
    chosen = (kinds.isin(EVENT_KINDS).to_numpy() | contact) & (rows >= 0)
    picked = actions[chosen]
    named = (picked["kind"] == "guarantor_demand").to_numpy() | guarantor_acts[chosen]
    said = picked[["method", "evidence"]].fillna("").astype(str)
    words = said["method"].str.cat(said["evidence"], sep=" ").str.strip()
    is_contact = contact[chosen]
    if is_contact.any():
        notes = picked["note"].fillna("").astype(str)
        words = words.where(~is_contact, words.str.cat(notes, sep=" ").str.strip())
    return pd.DataFrame({
        "loan": rows[chosen],
        "party": picked["party"].where(named, None).to_numpy(dtype=object),
        "kind": np.where(is_contact, "contact", picked["kind"].to_numpy(dtype=object)),
        "date": picked["date"].to_numpy(dtype="datetime64[ns]"),
        "evidence": words.replace("", None).to_numpy(dtype=object),
    })  # fmt: skip


def deadline_events(
    frame: pd.DataFrame, actions: pd.DataFrame, rows: np.ndarray, guarantor_acts: np.ndarray
) -> pd.DataFrame:
    """The ledger's own dated acts and the action log together, by ledger row."""
    return pd.concat(
        [ledger_events(frame), action_events(actions, rows, guarantor_acts)], ignore_index=True
    )


def apply_actions(
    frame: pd.DataFrame,
    actions: pd.DataFrame,
    rows: np.ndarray,
    guarantor_acts: np.ndarray,
) -> pd.DataFrame:
    """The loans with what the action log adds to their deadlines: judgments, enforcement
    applications and endings, the latest payment (followup.loan_facts adds the rest). `rows`
    is each action's row in `frame` (-1: a loan not in it); `guarantor_acts` marks a guarantor's own
    acts (by_guarantor), whose payments are not the borrower's."""
    out = frame.copy(deep=False)  # new columns only; the caller's frame is left as it was
    if actions.empty:
        return out
    kinds = actions["kind"].to_numpy(dtype=object)
    dates = actions["date"].to_numpy(dtype="datetime64[ns]")
    for kind, column in LOAN_DATES:
        picked = (kinds == kind) & (rows >= 0) & ~guarantor_acts  # a guarantor paying is theirs
        if not picked.any():
            continue
        latest = pd.Series(dates[picked]).groupby(rows[picked]).max()
        at, recorded = latest.index.to_numpy(), latest.to_numpy(dtype="datetime64[ns]")
        current = date_column(out, column)
        current[at] = np.where(
            np.isnat(current[at]) | (recorded > current[at]), recorded, current[at]
        )
        out[column] = current
    return out


@dataclass
class Unmatched:
    """Recorded actions a snapshot cannot place: they take effect only once names match."""

    unknown_loans: list[str]  # loan ids not in the snapshot
    unknown_parties: pd.DataFrame  # loan_id, party, guarantors: demands naming no guarantor


def unmatched_actions(actions: pd.DataFrame, loans: pd.DataFrame) -> Unmatched:
    """Which `actions` the snapshot's `loans` (loan_id, guarantors) cannot place: a loan id it
    does not hold, or a guarantor demand naming a party who is not one of the loan's
    guarantors (such a demand meets no guarantee period)."""
    rows = positions_in(loans["loan_id"], actions["loan_id"])
    unknown_loans = list(dict.fromkeys(actions.loc[rows < 0, "loan_id"].astype(str)))
    named = (actions["kind"] == "guarantor_demand").to_numpy() & actions["party"].notna().to_numpy()
    demand = np.flatnonzero(named & (rows >= 0))
    parties = actions["party"].to_numpy(dtype=object)[demand]
    stranger = demand[~_is_guarantor(loans, rows[demand], parties)]
    strangers = pd.DataFrame({
        "loan_id": actions["loan_id"].to_numpy(dtype=object)[stranger],
        "party": actions["party"].to_numpy(dtype=object)[stranger],
        "guarantors": loans["guarantors"].fillna("").to_numpy(dtype=object)[rows[stranger]],
    }).drop_duplicates()  # fmt: skip
    return Unmatched(unknown_loans, strangers.reset_index(drop=True))


def with_actions(
    frame: pd.DataFrame, actions: pd.DataFrame, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The loans with the action log up to `as_of` applied, and their deadline events."""
    known = actions[actions["date"] <= as_of]
    rows = positions_in(frame["loan_id"], known["loan_id"])  # each action's loan in the ledger
    guarantor_acts = by_guarantor(frame, known, rows)
    frame = apply_actions(frame, known, rows, guarantor_acts)
    return frame, deadline_events(frame, known, rows, guarantor_acts)
