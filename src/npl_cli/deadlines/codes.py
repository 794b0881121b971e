"""The deadline engine's vocabulary: kinds, statuses, what a deadline rests on, remarks and
advice cases, each as a closed list whose positions are the codes the tables hold. The words
people read are in `words.py`, entry for entry."""

from __future__ import annotations

import numpy as np

from npl_cli.schema import DEADLINE_KINDS

TRANSITION = np.datetime64("2017-10-01", "ns")  # Civil Code general provisions in force
OLD_RULE_COULD_EXPIRE = np.datetime64("2015-10-01", "ns")  # 2 years before TRANSITION
NEW_GUARANTEE_LAW = np.datetime64("2021-01-01", "ns")  # Civil Code guarantee rules in force

EVENT_COLUMNS = ["loan_id", "party", "kind", "date", "evidence"]
DEBTOR_ACTS = ("payment", "acknowledgment", "promise", "repayment_plan")
WRITTEN_ACTS = ("acknowledgment", "promise", "repayment_plan")  # revive only when in writing
SUITS = ("suit", "payment_order", "arbitration", "preservation", "bankruptcy_claim")
# Event kinds the engine reads. A "contact" (visit, call, note) moves nothing, but when its
# words say the debtor cannot be found, a later public notice counts.
EVENT_KINDS = (*DEBTOR_ACTS, "demand", *SUITS, "guarantor_demand", "contact")
KINDS = DEADLINE_KINDS
# also the on-screen order; "not_started": a general guarantor's limitation not yet running
STATUSES = ("expired", "due", "ok", "in_litigation", "met", "not_started")


def codes(names: tuple[str, ...]) -> dict[str, int]:
    return {name: code for code, name in enumerate(names)}


# What a deadline rests on (the words: words.BASIS).
BASIS = (
    "maturity", "acceleration", "overdue_start", "payment", "demand", "demand_unproven",
    "signed_demand", "notice", "acknowledgment", "promise", "repayment_plan", "suit",
    "payment_order", "arbitration", "preservation", "bankruptcy_claim", "cap", "due_date",
    "agreed_end", "guarantor_demand", "performance_end", "judgment", "accepted_plus_year",
    "enforcement_ended", "judgment_old_law",
)  # fmt: skip
B = codes(BASIS)
EVENT_BASIS = {kind: B.get(kind, -1) for kind in EVENT_KINDS}

# How a guarantee period was set (the words: words.HOW).
HOW = (
    "no_period", "agreed_period", "agreed_end", "end_not_after_due", "unreadable",
    "until_paid_old_law", "until_paid", "until_paid_undated",
)  # fmt: skip
H = codes(HOW)

# Remarks on a row (the words: words.NOTES, with {basis} and {date} filled in).
NOTES = (
    "", "capped", "late_act", "late_payment", "late_oral", "sued", "demanded",
    "main_claim_first", "applied_late", "notice_ignored", "awaiting_enforcement",
    "starts_by",
)  # fmt: skip
N = codes(NOTES)

# Which advice a row gets (the words: words.ACTIONS, keyed by kind and case).
ACTION_CASES = (
    "live", "met", "in_litigation", "joint", "general", "unknown", "expired", "uncertain",
    "grace", "not_started",
)  # fmt: skip
CASE = codes(ACTION_CASES)

# Evidence of a demand: what its recorded words show.
SIGNED, DELIVERED, NOTICE, UNDELIVERED, NO_EVIDENCE, UNCLEAR = range(6)
