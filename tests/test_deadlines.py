"""Legal deadlines: every worked example of DOMAIN.md §3, then the boundaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from npl_cli.config import defaults
from npl_cli.deadlines import (
    EVENT_COLUMNS,
    DeadlineSettings,
    Period,
    compute_deadlines,
    ledger_events,
    output_frame,
    parse_guarantee_period,
    select,
)
from npl_cli.periods import act_by, add_months, add_years
from npl_cli.settings import deadline_settings

AS_OF = pd.Timestamp("2026-11-30")
DATE_COLUMNS = (
    "maturity_date", "accelerated_on", "overdue_since", "last_payment_date",
    "last_collection_date", "guarantee_signed_on", "guarantor_demanded_on", "lawsuit_filed_on",
    "judgment_effective_on", "performance_due_on", "enforcement_applied_on",
)  # fmt: skip


def loans(*rows: dict[str, Any]) -> pd.DataFrame:
    """A canonical frame: loan L1, L2 … with a balance of 10,000 unless given."""
    frame = pd.DataFrame(
        [
            {
                "loan_id": f"L{i}",
                "balance": 10_000.0,
                "debtor_name": f"借款人{i}",
                "debtor_id": None,
                **row,
            }
            for i, row in enumerate(rows, start=1)
        ]
    )
    for column in DATE_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def deadlines(
    frame: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    as_of: pd.Timestamp = AS_OF,
    **settings: Any,
) -> pd.DataFrame:
    computed = compute_deadlines(frame, events, as_of=as_of, settings=packaged(**settings))
    chosen = select(computed, window_days=computed_window(settings), everything=True)
    return output_frame(computed, chosen)


def packaged(**overrides: Any) -> DeadlineSettings:
    """The packaged [deadlines] defaults, as a user without a config file gets them."""
    return deadline_settings(defaults()["deadlines"], **overrides)


def computed_window(settings: dict[str, Any]) -> int:
    return int(settings.get("window_days", 90))


def only(table: pd.DataFrame, kind: str, party: str | None = None) -> dict[str, Any]:
    rows = table[(table["kind"] == kind) & ((table["party"] == party) if party else True)]
    assert len(rows) == 1, rows
    row = {str(key): value for key, value in rows.iloc[0].items()}
    row["deadline"] = None if pd.isna(row["deadline"]) else str(row["deadline"].date())
    return row


def events(*rows: tuple[str, str, str, str | None]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(loan, None, kind, date, evidence) for loan, kind, date, evidence in rows],
        columns=EVENT_COLUMNS,
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


# --- DOMAIN.md §3 worked examples -------------------------------------------------------------


def test_loan_due_2020_01_10_nothing_since() -> None:
    row = only(deadlines(loans({"maturity_date": "2020-01-10"})), "claim_limitation")
    assert (row["deadline"], row["status"], row["basis"]) == (
        "2023-01-10",
        "expired",
        "maturity 2020-01-10",
    )


def test_partial_repayment_restarts_the_period() -> None:
    frame = loans({"maturity_date": "2021-03-15", "last_payment_date": "2022-08-20"})
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["basis"]) == ("2025-08-20", "repayment 2022-08-20")


def test_signed_demand_restarts_the_period() -> None:
    frame = loans(
        {
            "maturity_date": "2022-06-30",
            "last_collection_date": "2024-11-05",
            "collection_evidence": "本人签收",
        }
    )
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["status"], row["basis"]) == (
        "2027-11-05",
        "ok",
        "demand 2024-11-05",
    )


def test_returned_demand_interrupts_nothing() -> None:
    frame = loans(
        {
            "maturity_date": "2022-06-30",
            "last_collection_date": "2024-11-05",
            "collection_evidence": "邮件退回",
        }
    )
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["status"], row["basis"]) == (
        "2025-06-30",
        "expired",
        "maturity 2022-06-30",
    )


def test_old_two_year_rule_stays_expired() -> None:
    row = only(deadlines(loans({"maturity_date": "2015-06-01"})), "claim_limitation")
    assert (row["deadline"], row["status"]) == ("2017-06-01", "expired")


def test_transition_to_three_years() -> None:
    row = only(deadlines(loans({"maturity_date": "2016-03-01"})), "claim_limitation")
    assert row["deadline"] == "2019-03-01"


def test_twenty_year_cap_beats_the_chain_of_demands() -> None:
    dates = [
        "2006-12-01",
        "2008-11-01",
        "2010-09-01",
        "2012-06-01",
        "2014-01-15",
        "2015-12-01",
        "2018-06-01",
        "2021-03-01",
        "2024-01-10",
    ]
    chain = events(*[("L1", "demand", d, "签收") for d in dates])
    row = only(deadlines(loans({"maturity_date": "2005-03-10"}), chain), "claim_limitation")
    assert (row["deadline"], row["status"], row["basis"]) == (
        "2025-03-10",
        "expired",
        "20-year cap from 2005-03-10; the chain of interruptions alone would run to 2027-01-10",
    )


def test_demand_after_the_old_period_ran_out() -> None:
    frame = loans(
        {
            "maturity_date": "2014-03-01",
            "last_collection_date": "2016-05-10",
            "collection_evidence": "签收",
        }
    )
    row = only(deadlines(frame), "claim_limitation")
    assert row["deadline"] == "2016-03-01"
    assert row["basis"] == (
        "maturity 2014-03-01; acts recorded after expiry (demand 2016-05-10): they interrupt "
        "nothing; look for evidence of an earlier interruption"
    )


def test_interrupted_in_time_then_three_years_under_the_transition() -> None:
    chain = events(("L1", "payment", "2016-05-20", None), ("L1", "demand", "2019-03-01", "签收"))
    row = only(deadlines(loans({"maturity_date": "2014-06-30"}), chain), "claim_limitation")
    assert (row["deadline"], row["basis"]) == ("2022-03-01", "demand 2019-03-01")


def test_joint_guarantee_without_period() -> None:
    frame = loans(
        {
            "maturity_date": "2023-05-31",
            "guarantors": "王五",
            "guarantee_mode": "连带责任保证",
            "guarantee_signed_on": "2022-04-01",
        }
    )
    row = only(deadlines(frame), "guarantee_period", "王五")
    assert (row["deadline"], row["status"], row["basis"]) == (
        "2023-11-30",
        "expired",
        "due date 2023-05-31; 6 months (no period agreed)",
    )
    assert row["action"] == "guarantor released (Art 693); no claim against them"


def test_guarantor_demanded_in_time_starts_the_guarantee_limitation() -> None:
    frame = loans(
        {
            "maturity_date": "2023-05-31",
            "guarantors": "王五",
            "guarantee_mode": "连带责任保证",
            "guarantee_signed_on": "2022-04-01",
            "guarantor_demanded_on": "2023-09-01",
        }
    )
    table = deadlines(frame)
    period = only(table, "guarantee_period", "王五")
    assert (period["deadline"], period["status"]) == ("2023-11-30", "met")
    limitation = only(table, "guarantee_limitation", "王五")
    assert (limitation["deadline"], limitation["status"]) == ("2026-09-01", "expired")
    assert limitation["basis"].startswith("demand on the guarantor 2023-09-01")


def test_until_paid_under_the_old_law_is_two_years() -> None:
    frame = loans(
        {
            "maturity_date": "2020-06-30",
            "guarantors": "赵六",
            "guarantee_mode": "连带责任保证",
            "guarantee_signed_on": "2019-05-01",
            "guarantee_period": "直至本息还清",
        }
    )
    row = only(deadlines(frame), "guarantee_period")
    assert (row["deadline"], row["basis"]) == (
        "2022-06-30",
        "due date 2020-06-30; 2 years ('until paid', signed before 2021: old law)",
    )


def test_enforcement_two_years_from_the_last_day_of_performance() -> None:
    frame = loans(
        {
            "maturity_date": "2022-01-01",
            "lawsuit_filed_on": "2023-06-01",
            "judgment_effective_on": "2024-03-08",
            "performance_due_on": "2024-03-18",
        }
    )
    table = deadlines(frame)
    row = only(table, "enforcement")
    assert (row["deadline"], row["status"], row["basis"]) == (
        "2026-03-18",
        "expired",
        "last day of performance 2024-03-18",
    )
    assert only(table, "claim_limitation")["status"] == "met"


@pytest.mark.parametrize(
    ("due", "end"), [("2023-08-31", "2024-02-29"), ("2021-08-31", "2022-02-28")]
)
def test_six_month_guarantee_period_clamps_to_month_end(due: str, end: str) -> None:
    frame = loans({"maturity_date": due, "guarantors": "钱七"})
    assert only(deadlines(frame), "guarantee_period")["deadline"] == end


# --- boundaries -------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_left", "listed"), [(90, True), (91, False)])
def test_window_edge(days_left: int, listed: bool) -> None:
    as_of = pd.Timestamp("2026-01-01")
    deadline = as_of + pd.Timedelta(days=days_left)
    frame = loans({"maturity_date": deadline - pd.DateOffset(years=3)})
    computed = compute_deadlines(frame, as_of=as_of, settings=packaged())
    chosen = select(computed, window_days=90)
    assert len(chosen) == int(listed)
    assert computed.table["status"].astype(str).iloc[0] == ("due" if listed else "ok")


def test_deadline_day_itself_is_due_not_expired() -> None:
    frame = loans({"maturity_date": "2023-11-30"})
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["days_left"], row["status"]) == ("2026-11-30", 0, "due")


@pytest.mark.parametrize(
    ("due", "deadline"),
    [
        ("2015-09-30", "2017-09-30"),  # the 2-year period ran out the day before the new law
        ("2015-10-01", "2018-10-01"),  # still running on 2017-10-01: 3 years
    ],
)
def test_2017_transition_on_both_sides(due: str, deadline: str) -> None:
    assert only(deadlines(loans({"maturity_date": due})), "claim_limitation")["deadline"] == (
        deadline
    )


def test_leap_day_due_date() -> None:
    row = only(deadlines(loans({"maturity_date": "2020-02-29"})), "claim_limitation")
    assert row["deadline"] == "2023-02-28"


def test_demand_without_evidence_counts_unless_strict() -> None:
    frame = loans({"maturity_date": "2022-06-30", "last_collection_date": "2024-11-05"})
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["basis"]) == (
        "2027-11-05",
        "demand (no evidence recorded) 2024-11-05",
    )
    strict = only(deadlines(frame, strict_evidence=True), "claim_limitation")
    assert strict["deadline"] == "2025-06-30"


def test_demand_with_unclear_evidence_does_not_count() -> None:
    frame = loans(
        {
            "maturity_date": "2022-06-30",
            "last_collection_date": "2024-11-05",
            "collection_evidence": "电话催收",
        }
    )
    assert only(deadlines(frame), "claim_limitation")["deadline"] == "2025-06-30"


def test_acceleration_earlier_than_maturity_starts_the_clock() -> None:
    frame = loans({"maturity_date": "2025-06-30", "accelerated_on": "2023-01-15"})
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["basis"]) == ("2026-01-15", "acceleration 2023-01-15")


def test_without_maturity_the_overdue_start_is_used_and_said() -> None:
    row = only(deadlines(loans({"overdue_since": "2024-02-10"})), "claim_limitation")
    assert (row["deadline"], row["basis"]) == (
        "2027-02-10",
        "overdue start (no maturity date) 2024-02-10",
    )


def test_pending_suit_stops_the_clock() -> None:
    frame = loans({"maturity_date": "2022-06-30", "lawsuit_filed_on": "2024-05-01"})
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["status"], row["basis"]) == (
        None,
        "in_litigation",
        "suit 2024-05-01",
    )


def test_suit_after_expiry_does_not_stop_the_clock() -> None:
    frame = loans({"maturity_date": "2020-06-30", "lawsuit_filed_on": "2024-05-01"})
    row = only(deadlines(frame), "claim_limitation")
    assert (row["deadline"], row["status"]) == ("2023-06-30", "expired")


def test_several_guarantors_each_get_their_rows() -> None:
    frame = loans(
        {
            "maturity_date": "2026-06-30",
            "guarantors": "王五、赵六;钱七",
            "guarantee_mode": "连带责任保证",
            "guarantee_period": "2年",
        }
    )
    table = deadlines(frame)
    periods = table[table["kind"] == "guarantee_period"]
    assert periods["party"].tolist() == ["王五", "赵六", "钱七"]
    assert set(periods["deadline"].dt.strftime("%Y-%m-%d")) == {"2028-06-30"}


def test_demand_on_one_named_guarantor_meets_only_theirs() -> None:
    frame = loans(
        {
            "maturity_date": "2026-06-30",
            "guarantors": "王五、赵六",
            "guarantee_mode": "连带责任保证",
        }
    )
    log = pd.DataFrame(
        [("L1", "赵六", "guarantor_demand", "2026-08-01", "签收")], columns=EVENT_COLUMNS
    ).astype({"date": "datetime64[ns]"})
    table = deadlines(frame, pd.concat([ledger_events(frame), log], ignore_index=True))
    assert only(table, "guarantee_period", "王五")["status"] == "due"
    assert only(table, "guarantee_period", "赵六")["status"] == "met"
    assert only(table, "guarantee_limitation", "赵六")["deadline"] == "2029-08-01"


@pytest.mark.parametrize(
    ("evidence", "strict", "status"),
    [("签收", False, "met"), ("退回", False, "due"), ("拒收", False, "due"),
     ("电话", False, "due"), (None, False, "met"), (None, True, "due")],
)  # fmt: skip
def test_a_guarantor_demand_meets_the_period_only_if_it_reached_them(
    evidence: str | None, strict: bool, status: str
) -> None:
    # A letter returned or refused reached nobody, as for the borrower (DOMAIN.md §3).
    frame = loans(
        {"maturity_date": "2026-06-30", "guarantors": "王五", "guarantee_mode": "连带责任保证"}
    )
    log = pd.DataFrame(
        [("L1", "王五", "guarantor_demand", "2026-08-01", evidence)], columns=EVENT_COLUMNS
    ).astype({"date": "datetime64[ns]"})
    events = pd.concat([ledger_events(frame), log], ignore_index=True)
    table = deadlines(frame, events, strict_evidence=strict)
    assert only(table, "guarantee_period", "王五")["status"] == status


def test_a_guarantors_own_payment_restarts_their_limitation_not_the_borrowers() -> None:
    frame = loans(
        {"maturity_date": "2026-06-30", "guarantors": "王五", "guarantee_mode": "连带责任保证"}
    )
    log = pd.DataFrame(
        [("L1", "王五", "guarantor_demand", "2026-08-01", "签收"),
         ("L1", "王五", "payment", "2026-10-15", None)],
        columns=EVENT_COLUMNS,
    ).astype({"date": "datetime64[ns]"})  # fmt: skip
    table = deadlines(frame, pd.concat([ledger_events(frame), log], ignore_index=True))
    limitation = only(table, "guarantee_limitation", "王五")
    assert (limitation["deadline"], limitation["basis"].split(";")[0]) == (
        "2029-10-15",
        "repayment 2026-10-15",
    )
    claim = only(table, "claim_limitation")
    assert (claim["deadline"], claim["basis"]) == ("2029-06-30", "maturity 2026-06-30")


def test_general_guarantee_is_met_by_suing_the_debtor() -> None:
    frame = loans(
        {
            "maturity_date": "2026-06-30",
            "guarantors": "王五",
            "guarantee_mode": "一般保证",
            "lawsuit_filed_on": "2026-09-01",
        }
    )
    row = only(deadlines(frame), "guarantee_period")
    assert row["status"] == "met"
    assert (
        row["basis"] == "due date 2026-06-30; 6 months (no period agreed); debtor sued 2026-09-01"
    )


@pytest.mark.parametrize("kind", ["suit", "arbitration"])
def test_a_logged_suit_meets_a_general_guarantee_as_the_ledger_date_would(kind: str) -> None:
    frame = loans(
        {"maturity_date": "2026-06-30", "guarantors": "王五", "guarantee_mode": "一般保证"}
    )
    log = pd.DataFrame([("L1", None, kind, "2026-09-01", None)], columns=EVENT_COLUMNS).astype(
        {"date": "datetime64[ns]"}
    )
    row = only(deadlines(frame, pd.concat([ledger_events(frame), log])), "guarantee_period")
    assert (row["deadline"], row["status"]) == ("2026-12-30", "met")
    assert row["basis"] == (
        "due date 2026-06-30; 6 months (no period agreed); debtor sued 2026-09-01"
    )
    late = log.assign(date=pd.Timestamp("2027-01-05"))  # after the period: holds nobody
    events = pd.concat([ledger_events(frame), late])
    row = only(deadlines(frame, events, as_of=pd.Timestamp("2027-02-01")), "guarantee_period")
    assert (row["deadline"], row["status"]) == ("2026-12-30", "expired")


def test_unclear_mode_follows_the_signing_date_law() -> None:
    old = loans(
        {"maturity_date": "2026-06-30", "guarantors": "甲", "guarantee_signed_on": "2020-03-01"}
    )
    new = loans(
        {"maturity_date": "2026-06-30", "guarantors": "甲", "guarantee_signed_on": "2021-03-01"}
    )
    assert only(deadlines(old), "guarantee_period")["action"] == (
        "demand the guarantor in writing, with proof of delivery"
    )
    assert only(deadlines(new), "guarantee_period")["action"] == (
        "sue the debtor (or arbitrate): a general guarantor is held only by that"
    )


def test_agreed_end_on_or_before_due_date_counts_as_not_agreed() -> None:
    frame = loans(
        {"maturity_date": "2026-06-30", "guarantors": "甲", "guarantee_period": "2026-06-30"}
    )
    row = only(deadlines(frame), "guarantee_period")
    assert (row["deadline"], row["basis"]) == (
        "2026-12-30",
        "due date 2026-06-30; 6 months (the agreed end is not after the due date)",
    )


def test_time_barred_main_claim_frees_the_guarantor_first() -> None:
    frame = loans(
        {
            "maturity_date": "2023-05-31",
            "guarantors": "王五",
            "guarantee_mode": "连带责任保证",
            "guarantor_demanded_on": "2023-09-01",
        }
    )
    row = only(deadlines(frame, as_of=pd.Timestamp("2026-01-01")), "guarantee_limitation")
    assert row["deadline"] == "2026-09-01"
    assert row["basis"] == (
        "demand on the guarantor 2023-09-01; the main claim's limitation ends earlier, "
        "2026-05-31: a time-barred main debt frees the guarantor too (SPC limitation "
        "provisions Art 18)"
    )


def test_enforcement_applied_in_time_is_met() -> None:
    frame = loans(
        {
            "maturity_date": "2022-01-01",
            "judgment_effective_on": "2024-03-08",
            "performance_due_on": "2024-03-18",
            "enforcement_applied_on": "2025-01-02",
        }
    )
    assert only(deadlines(frame), "enforcement")["status"] == "met"


def test_paid_off_loans_and_loans_without_dates_are_counted_in_notes() -> None:
    frame = loans({"maturity_date": "2026-06-30", "balance": 0.0}, {"dpd": 10})
    computed = compute_deadlines(frame, as_of=AS_OF, settings=packaged())
    assert computed.notes[:2] == [
        "1 loan with no balance outstanding: no deadlines",
        "claim limitation not computed for 1 loan: no maturity date, acceleration date or "
        "overdue start",
    ]
    assert computed.table.empty


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2年", Period("months", 24)),
        ("两年", Period("months", 24)),
        ("六个月", Period("months", 6)),
        ("18个月", Period("months", 18)),
        ("一年半", Period("months", 18)),
        ("半年", Period("months", 6)),
        ("主债务履行期届满之日起两年", Period("months", 24)),
        ("一年六个月", Period("months", 18)),
        ("十二个月", Period("months", 12)),
        ("90天", Period("months", 0, 90)),
        ("直至本息还清", Period("until_paid")),
        ("至主债务还清之日止", Period("until_paid")),
        ("至全部债务清偿之日", Period("until_paid")),
        ("", Period("none")),
        ("2027-06-30", Period("date", end=dt.date(2027, 6, 30))),
        ("2027年3月31日", Period("date", end=dt.date(2027, 3, 31))),
        ("至2027年6月30日止", Period("date", end=dt.date(2027, 6, 30))),
        ("至2027-07-30", Period("date", end=dt.date(2027, 7, 30))),
        ("届满日2027/7/1", Period("date", end=dt.date(2027, 7, 1))),
        ("到20270831", Period("date", end=dt.date(2027, 8, 31))),
        ("2027年2月30日", Period("unreadable")),
        ("详见合同", Period("unreadable")),
    ],
)
def test_guarantee_period_wording(text: str, parsed: Period) -> None:
    """DOMAIN §3 "agreed periods come in many wordings": an end date is an end date, never a
    number of years; "until paid" in its several wordings; lengths in digits or Chinese."""
    assert parse_guarantee_period(text, packaged().until_paid_words) == parsed


def test_calendar_arithmetic() -> None:
    dates = np.array(
        ["2020-02-29", "2023-08-31", "2023-05-31", "2024-01-31"], dtype="datetime64[ns]"
    )
    assert [str(d)[:10] for d in add_years(dates, 3)] == [
        "2023-02-28",
        "2026-08-31",
        "2026-05-31",
        "2027-01-31",
    ]
    assert [str(d)[:10] for d in add_months(dates, 6)] == [
        "2020-08-29",
        "2024-02-29",
        "2023-11-30",
        "2024-07-31",
    ]
    assert np.isnat(add_months(np.array(["NaT"], dtype="datetime64[ns]"), 6)[0])


def test_act_by_is_the_last_working_day_on_or_before() -> None:
    dates = np.array(["2027-01-10", "2026-10-03", "2026-11-30"], dtype="datetime64[ns]")
    # a Sunday; inside the National Day holiday (2026-10-01..07); a Monday
    assert [str(d)[:10] for d in act_by(dates)] == ["2027-01-08", "2026-09-30", "2026-11-30"]


def test_chinese_words_match_the_english_ones_entry_for_entry() -> None:
    from npl_cli.deadlines.codes import BASIS, HOW, NOTES
    from npl_cli.deadlines.words import CHINESE, ENGLISH

    for words in (ENGLISH, CHINESE):
        assert set(words.basis) == set(BASIS)
        assert set(words.how) == set(HOW)
        assert set(words.notes) == set(NOTES)
    assert set(CHINESE.actions) == set(ENGLISH.actions)
    for code in NOTES:
        for placeholder in ("{date}", "{basis}"):
            assert ENGLISH.notes[code].count(placeholder) == CHINESE.notes[code].count(placeholder)
