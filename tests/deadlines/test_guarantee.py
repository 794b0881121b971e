"""Guarantees: agreed-period wordings, uncertain releases, general guarantors (Art 694(1)),
modes per guarantor, the old law — DOMAIN.md §3's worked examples and the issue's cases."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from npl_cli.deadlines import EVENT_COLUMNS
from tests.test_deadlines import deadlines, loans, only

GENERAL_2022 = {
    "maturity_date": "2023-05-31",
    "guarantors": "乙五",
    "guarantee_mode": "一般保证",
    "guarantee_signed_on": "2022-03-01",
}


def kinds(table: pd.DataFrame, party: str) -> list[str]:
    return sorted(table.loc[table["party"] == party, "kind"])


# --- agreed periods: an end date is an end date (Art 692) -------------------------------------


def test_art_692_domain_example_agreed_end_date_in_chinese() -> None:
    """joint guarantee signed 2023, agreed period "至2027年3月31日"; debt due 2026-03-31 ->
    guarantee period 2027-03-31."""
    frame = loans(
        {
            "maturity_date": "2026-03-31",
            "guarantors": "乙",
            "guarantee_mode": "连带责任保证",
            "guarantee_signed_on": "2023-04-01",
            "guarantee_period": "至2027年3月31日",
        }
    )
    row = only(deadlines(frame), "guarantee_period")
    assert (row["deadline"], row["status"], row["basis"]) == (
        "2027-03-31",
        "ok",
        "agreed end date 2027-03-31",
    )


@pytest.mark.parametrize(
    ("wording", "end"),
    [
        ("2027年3月31日", "2027-03-31"),
        ("至2027年6月30日止", "2027-06-30"),
        ("至2027-07-30", "2027-07-30"),
        ("2027.08.31届满", "2027-08-31"),
        ("一年半", "2027-09-30"),
        ("两年", "2028-03-31"),
    ],
)
def test_art_692_period_wordings(wording: str, end: str) -> None:
    frame = loans(
        {
            "maturity_date": "2026-03-31",
            "guarantors": "乙",
            "guarantee_mode": "连带",
            "guarantee_period": wording,
        }
    )
    assert only(deadlines(frame), "guarantee_period")["deadline"] == end


@pytest.mark.parametrize(
    ("signed", "end", "how"),
    [
        ("2019-03-01", "2022-06-30", "2 years ('until paid', signed before 2021: old law)"),
        ("2022-03-01", "2020-12-30", "6 months ('until paid' counts as unclear)"),
    ],
)
def test_until_paid_wordings_old_and_new_law(signed: str, end: str, how: str) -> None:
    """担保法解释 2000 Art 32 (2 years) before 2021; 法释〔2020〕28号 Art 32 (6 months) after."""
    frame = loans(
        {
            "maturity_date": "2020-06-30",
            "guarantors": "乙",
            "guarantee_mode": "连带",
            "guarantee_signed_on": signed,
            "guarantee_period": "至主债务还清之日止",
        }
    )
    row = only(deadlines(frame), "guarantee_period")
    assert row["deadline"] == end
    assert row["basis"] == f"due date 2020-06-30; {how}"


def test_art_692_an_unreadable_wording_makes_the_release_uncertain_not_certain() -> None:
    frame = loans(
        {
            "maturity_date": "2026-03-31",
            "guarantors": "乙",
            "guarantee_mode": "连带",
            "guarantee_period": "按合同第五条约定",
        }
    )
    row = only(deadlines(frame), "guarantee_period")
    assert (row["deadline"], row["status"]) == ("2026-09-30", "expired")
    assert row["basis"] == (
        "due date 2026-03-31; 6 months (agreed period unreadable: check the contract)"
    )
    assert row["action"].startswith("release uncertain: the agreed period could not be read")
    assert "released" not in row["action"].replace("release uncertain", "")


# --- Art 694(1): general guarantors -------------------------------------------------------------


def test_art_693_domain_example_general_guarantor_demanded_but_never_sued_is_released() -> None:
    """general guarantee signed 2022, no period; debt due 2023-05-31; guarantor demanded
    2023-08-01, no suit -> released 2023-11-30; no guarantee-limitation row."""
    table = deadlines(loans({**GENERAL_2022, "guarantor_demanded_on": "2023-08-01"}))
    row = only(table, "guarantee_period", "乙五")
    assert (row["deadline"], row["status"]) == ("2023-11-30", "expired")
    assert row["action"] == "guarantor released (Art 693); no claim against them"
    assert kinds(table, "乙五") == ["guarantee_period"]


def test_art_694_domain_example_general_guarantor_one_year_after_acceptance() -> None:
    """same, but debtor sued 2023-10-10; enforcement accepted 2024-06-03; no ruling ending it
    -> guarantee limitation 2028-06-03 (法释〔2020〕28号 Art 28)."""
    frame = loans(
        {**GENERAL_2022, "lawsuit_filed_on": "2023-10-10", "enforcement_applied_on": "2024-06-03"}
    )
    row = only(deadlines(frame), "guarantee_limitation", "乙五")
    assert (row["deadline"], row["status"]) == ("2028-06-03", "ok")
    assert row["basis"] == (
        "one year after enforcement against the debtor was accepted, on 2025-06-03"
    )


def test_art_694_a_served_ruling_ending_enforcement_starts_it_earlier() -> None:
    frame = loans(
        {
            **GENERAL_2022,
            "lawsuit_filed_on": "2023-10-10",
            "enforcement_applied_on": "2024-06-03",
            "enforcement_ended_on": "2024-12-20",
        }
    )
    row = only(deadlines(frame), "guarantee_limitation", "乙五")
    assert row["deadline"] == "2027-12-20"
    assert row["basis"] == "ruling ending enforcement against the debtor served 2024-12-20"


def test_art_694_not_started_before_enforcement_and_within_its_first_year() -> None:
    sued = {**GENERAL_2022, "lawsuit_filed_on": "2023-10-10"}
    before = only(deadlines(loans(sued)), "guarantee_limitation", "乙五")
    assert (before["deadline"], before["status"], before["days_left"]) == (
        None,
        "not_started",
        pd.NA,
    )
    assert before["basis"].startswith("not started: it starts when enforcement against the")
    young = loans({**sued, "enforcement_applied_on": "2026-06-03"})
    row = only(deadlines(young), "guarantee_limitation", "乙五")
    assert (row["deadline"], row["status"]) == (None, "not_started")
    assert row["basis"] == (
        "not started: it starts when enforcement against the debtor ends, at the latest "
        "2027-06-03 (one year after acceptance, 法释〔2020〕28号 Art 28)"
    )


def test_art_694_a_demand_on_a_general_guarantor_starts_nothing() -> None:
    sued = {**GENERAL_2022, "lawsuit_filed_on": "2023-10-10", "guarantor_demanded_on": "2023-09-01"}
    row = only(deadlines(loans(sued)), "guarantee_limitation", "乙五")
    assert row["status"] == "not_started"


def test_old_law_general_guarantor_runs_from_the_judgment_in_force() -> None:
    """担保法解释 Art 34(1): a general guarantor's limitation ran from the judgment."""
    frame = loans(
        {
            "maturity_date": "2018-05-31",
            "guarantors": "乙",
            "guarantee_mode": "一般保证",
            "guarantee_signed_on": "2016-03-01",
            "lawsuit_filed_on": "2018-09-10",
            "judgment_effective_on": "2019-05-10",
        }
    )
    row = only(deadlines(frame), "guarantee_limitation", "乙")
    assert (row["deadline"], row["status"]) == ("2022-05-10", "expired")
    assert row["basis"] == "judgment in force (general guarantee, old law) 2019-05-10"


# --- old-law guarantor limitation (民法通则 Art 135; 法释〔2018〕12号) ------------------------


def test_old_law_guarantor_limitation_of_two_years_stays_expired() -> None:
    frame = loans(
        {
            "maturity_date": "2015-02-28",
            "guarantors": "乙",
            "guarantee_mode": "连带",
            "guarantee_signed_on": "2014-03-01",
            "guarantor_demanded_on": "2015-08-03",
        }
    )
    row = only(deadlines(frame), "guarantee_limitation", "乙")
    assert (row["deadline"], row["status"]) == ("2017-08-03", "expired")


def test_old_law_guarantor_limitation_still_running_in_2017_gets_three_years() -> None:
    frame = loans(
        {
            "maturity_date": "2016-02-29",
            "guarantors": "乙",
            "guarantee_mode": "连带",
            "guarantee_signed_on": "2015-03-01",
            "guarantor_demanded_on": "2016-03-10",
        }
    )
    assert only(deadlines(frame), "guarantee_limitation", "乙")["deadline"] == "2019-03-10"


# --- modes per guarantor ----------------------------------------------------------------------


@pytest.mark.parametrize("modes", ["连带、一般", "甲:连带;乙：一般", "乙:一般保证，甲:连带责任"])
def test_one_mode_cell_gives_a_mode_per_guarantor(modes: str) -> None:
    frame = loans(
        {
            "maturity_date": "2026-03-31",
            "guarantors": "甲、乙",
            "guarantee_mode": modes,
            "guarantee_signed_on": "2023-01-01",
            "guarantor_demanded_on": "2026-05-01",
        }
    )
    table = deadlines(frame)
    assert only(table, "guarantee_period", "甲")["status"] == "met"  # joint: the demand holds
    assert kinds(table, "甲") == ["guarantee_limitation", "guarantee_period"]
    general = only(table, "guarantee_period", "乙")
    assert (general["status"], general["action"]) == (
        "expired",
        "guarantor released (Art 693); no claim against them",
    )
    assert kinds(table, "乙") == ["guarantee_period"]


# --- evidence on guarantors -------------------------------------------------------------------


@pytest.mark.parametrize(("evidence", "met"), [("保证人签字", True), ("保证人拒签", False)])
def test_art_8_a_guarantors_signature_meets_the_period_a_refusal_does_not(
    evidence: str, met: bool
) -> None:
    frame = loans({"maturity_date": "2026-03-31", "guarantors": "乙", "guarantee_mode": "连带"})
    demand = pd.DataFrame(
        [("L1", "乙", "guarantor_demand", "2026-05-01", evidence)], columns=EVENT_COLUMNS
    ).astype({"date": "datetime64[ns]"})
    row = only(deadlines(frame, demand), "guarantee_period", "乙")
    assert row["status"] == ("met" if met else "expired")


def test_art_203_a_demand_on_the_monday_after_a_saturday_end_meets_the_period() -> None:
    """A guarantee period ending Saturday 2025-11-29 runs to Monday 2025-12-01."""
    frame: dict[str, Any] = {
        "maturity_date": "2025-05-29",
        "guarantors": "乙",
        "guarantee_mode": "连带",
        "guarantor_demanded_on": "2025-12-01",
    }
    row = only(deadlines(loans(frame)), "guarantee_period", "乙")
    assert (row["deadline"], row["last_day"], row["status"]) == (
        "2025-11-29",
        pd.Timestamp("2025-12-01"),
        "met",
    )
