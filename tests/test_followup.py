"""What the action log says of each loan: promises allocated first-in, first-out, contacts
that reached the debtor, payments since the snapshot, the last action, and the stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from npl_cli.config import load_settings
from npl_cli.followup import loan_facts, promise_status
from npl_cli.ledger.dated import date_in
from npl_cli.pipeline import deadline_settings
from npl_cli.stage import debtor_stages, loan_stages, stage_names

AS_OF = pd.Timestamp("2026-11-30")
T = pd.Timestamp


def log(*rows: dict[str, object]) -> pd.DataFrame:
    columns = ["id", "loan_id", "kind", "date", "party", "amount", "method", "evidence",
               "promise_date", "promise_amount", "note"]  # fmt: skip
    frame = pd.DataFrame([{"id": i + 1, **row} for i, row in enumerate(rows)])
    frame = frame.reindex(columns=columns)
    for column in ("date", "promise_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("amount", "promise_amount"):
        frame[column] = frame[column].astype(float)
    return frame


def promise(made: str, due: str, amount: float, loan: str = "L1") -> dict[str, object]:
    return {"loan_id": loan, "kind": "promise", "date": made, "promise_date": due,
            "promise_amount": amount, "method": "电话"}  # fmt: skip


def payment(day: str, amount: float, loan: str = "L1") -> dict[str, object]:
    return {"loan_id": loan, "kind": "payment", "date": day, "amount": amount}


def statuses(actions: pd.DataFrame) -> list[tuple[str, float]]:
    found = promise_status(actions, AS_OF).sort_values("id")
    return list(zip(found["status"], found["paid"], strict=True))


def test_one_payment_never_keeps_two_promises() -> None:
    # two promises of 5,000 open at once; one payment of 5,000 keeps the first only (a sum of
    # the payments in each window would count it for both)
    first, second = (
        promise("2026-11-01", "2026-11-15", 5000),
        promise("2026-11-05", "2026-11-20", 5000),
    )
    actions = log(first, second, payment("2026-11-10", 5000))
    assert statuses(actions) == [("kept", 5000.0), ("broken", 0.0)]


def test_a_larger_payment_does_not_spill_into_the_next_promise() -> None:
    first, second = (
        promise("2026-11-01", "2026-11-15", 5000),
        promise("2026-11-05", "2026-11-20", 5000),
    )
    actions = log(first, second, payment("2026-11-10", 10000))
    assert statuses(actions) == [("kept", 10000.0), ("broken", 0.0)]


def test_payments_go_first_in_first_out_to_promises_still_unpaid() -> None:
    first, second = (
        promise("2026-11-01", "2026-11-15", 5000),
        promise("2026-11-05", "2026-11-20", 5000),
    )
    actions = log(first, second, payment("2026-11-10", 5000), payment("2026-11-12", 5000))
    assert statuses(actions) == [("kept", 5000.0), ("kept", 5000.0)]


def test_a_payment_outside_the_window_keeps_nothing_and_a_future_promise_is_open() -> None:
    actions = log(promise("2026-11-01", "2026-11-15", 5000), payment("2026-11-16", 5000),
                  promise("2026-11-25", "2026-12-05", 3000))  # fmt: skip
    assert statuses(actions) == [("broken", 0.0), ("open", 0.0)]


def test_partial_payments_add_up_to_the_fen() -> None:
    actions = log(promise("2026-11-01", "2026-11-20", 1000.10), payment("2026-11-02", 500.05),
                  payment("2026-11-09", 500.05))  # fmt: skip
    assert statuses(actions) == [("kept", 1000.1)]


def facts(actions: pd.DataFrame, since: pd.Timestamp | None = T("2026-10-31")) -> pd.DataFrame:
    loans = pd.DataFrame({"loan_id": ["L1", "L2"], "balance": [1.0, 1.0]})
    rows = loans.reset_index().set_index("loan_id").loc[actions["loan_id"], "index"].to_numpy()
    settings = deadline_settings(load_settings())
    return loan_facts(loans, actions, rows, np.zeros(len(actions), dtype=bool), as_of=AS_OF,
                      since=since, settings=settings)  # fmt: skip


def test_only_contacts_that_got_through_count() -> None:
    actions = log(
        {"loan_id": "L1", "kind": "call", "date": "2026-11-21", "note": "未接通"},
        {"loan_id": "L1", "kind": "demand", "date": "2026-11-22", "evidence": "退回"},
        {"loan_id": "L1", "kind": "visit", "date": "2026-11-08", "note": "见到本人"},
        {"loan_id": "L2", "kind": "demand", "date": "2026-11-03", "evidence": "签收"},
    )
    found = facts(actions)
    assert list(found["last_contact_date"]) == [T("2026-11-08"), T("2026-11-03")]
    assert list(found["reached_since_snapshot"]) == [True, True]
    assert list(found["last_action"]) == ["demand", "demand"]  # L1's latest is the returned one
    assert list(found["last_action_date"]) == [T("2026-11-22"), T("2026-11-03")]


def test_what_was_paid_since_the_snapshot_and_the_nearest_open_promise() -> None:
    paid = [payment("2026-10-20", 700), payment("2026-11-10", 300), payment("2026-11-12", 200)]
    promised = [promise("2026-11-20", "2026-12-10", 900), promise("2026-11-25", "2026-12-03", 400)]
    actions = log(*paid, *promised)
    found = facts(actions).iloc[0]
    assert found["paid_since_snapshot"] == 500.0  # the October payment came before it
    assert (found["open_promise_date"], found["open_promise_amount"]) == (T("2026-12-03"), 400)
    assert found["open_promise_method"] == "电话"
    assert (found["promises_kept"], found["promises_broken"]) == (0, 0)


def test_stages_from_the_ledger_and_the_log() -> None:
    loans = pd.DataFrame({
        "balance": [0.0, 10.0, 10.0, 10.0, 10.0],
        "lawsuit_filed_on": [T("2026-01-01"), pd.NaT, pd.NaT, T("2025-03-01"), pd.NaT],
        "judgment_effective_on": [pd.NaT, pd.NaT, pd.NaT, T("2025-09-01"), pd.NaT],
        "enforcement_applied_on": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, T("2026-02-01")],
        "suit_on": [pd.NaT, pd.NaT, T("2026-11-15"), pd.NaT, pd.NaT],
    })  # fmt: skip
    codes = loan_stages(loans)
    assert list(stage_names(codes)) == ["closed", "pre_legal", "litigation", "judgment",
                                        "enforcement"]  # fmt: skip
    # debtor 0: a closed loan and a pre-legal one; debtor 1: litigation and judgment; debtor 2:
    # closed only
    debtor = np.array([0, 0, 1, 1, 2])
    codes[4] = 4  # closed
    assert list(stage_names(debtor_stages(codes, debtor, 3))) == ["pre_legal", "judgment",
                                                                   "closed"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("XX农村商业银行贷款台账（2026年10月末）", "2026-10-31"),
        ("截至2026年10月31日贷款台账", "2026-10-31"),
        ("ledger 2026-10-31.xlsx", "2026-10-31"),
        ("台账202610", "2026-10-31"),
        ("台账20261130", "2026-11-30"),
        ("2026.11.30", "2026-11-30"),
        ("2026年2月", "2026-02-28"),
        ("贷款台账", None),
        ("2026年2月30日", None),  # no such day: no date, not a guess
    ],
)
def test_the_date_a_title_or_file_name_gives(text: str, day: str | None) -> None:
    assert date_in(text) == (T(day) if day else None)
