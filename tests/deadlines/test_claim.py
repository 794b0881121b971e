"""Claim limitation: what interrupts (signatures, notices), what revives (Art 192), and the
DOMAIN.md §3 worked examples that came with them."""

from __future__ import annotations

import pandas as pd
import pytest

from npl_cli.deadlines import EVENT_COLUMNS
from tests.test_deadlines import deadlines, loans, only


def log(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """Action-log events on loan L1: (kind, date, evidence)."""
    frame = pd.DataFrame(
        [("L1", None, kind, date, evidence) for kind, date, evidence in rows],
        columns=EVENT_COLUMNS,
    )
    return frame.astype({"date": "datetime64[ns]"})


def claim(frame: pd.DataFrame, events: pd.DataFrame | None = None, **kw: object) -> dict:
    return only(deadlines(frame, events, **kw), "claim_limitation")  # type: ignore[arg-type]


# --- SPC limitation provisions 2020 Art 8(1)(1): a signature or seal on the demand -------------


@pytest.mark.parametrize("evidence", ["借款人签字盖章", "本人签名", "加盖公章"])
def test_art_8_signature_or_seal_on_the_notice_is_delivery(evidence: str) -> None:
    frame = loans(
        {
            "maturity_date": "2022-06-30",
            "last_collection_date": "2024-11-05",
            "collection_evidence": evidence,
        }
    )
    row = claim(frame)
    assert (row["deadline"], row["status"]) == ("2027-11-05", "ok")
    assert row["basis"] == "demand signed or sealed by the debtor 2024-11-05"


def test_art_8_a_refusal_to_sign_outweighs_the_word_sign() -> None:
    frame = loans(
        {
            "maturity_date": "2022-06-30",
            "last_collection_date": "2024-11-05",
            "collection_evidence": "借款人拒绝签字",
        }
    )
    assert (claim(frame)["deadline"], claim(frame)["status"]) == ("2025-06-30", "expired")


# --- SPC 2020 Art 8(1)(4): a public notice only when the debtor cannot be found ---------------


def test_domain_example_notice_to_a_reachable_debtor_interrupts_nothing() -> None:
    """due 2022-06-30; newspaper notice 2024-11-05, debtor reachable -> 2025-06-30."""
    frame = loans(
        {
            "maturity_date": "2022-06-30",
            "last_collection_date": "2024-11-05",
            "collection_evidence": "登报公告",
            "contact_status": "正常",
        }
    )
    row = claim(frame)
    assert (row["deadline"], row["status"]) == ("2025-06-30", "expired")
    assert row["basis"] == (
        "maturity 2022-06-30; public notice 2024-11-05 interrupts nothing: the debtor is not "
        "recorded as lost (a notice counts only when the debtor cannot be found)"
    )


def test_notice_counts_when_the_ledger_says_the_debtor_is_lost() -> None:
    frame = loans(
        {
            "maturity_date": "2022-06-30",
            "last_collection_date": "2024-11-05",
            "collection_evidence": "公告送达",
            "contact_status": "失联",
        }
    )
    row = claim(frame)
    assert (row["deadline"], row["basis"]) == (
        "2027-11-05",
        "public notice (debtor cannot be found) 2024-11-05",
    )


def test_notice_counts_only_after_an_action_said_the_debtor_vanished() -> None:
    """A visit noting 下落不明 before the notice lets it count; one after it does not; a blank
    contact status is not "lost"."""
    frame = loans({"maturity_date": "2022-06-30", "contact_status": None})
    notice = ("demand", "2024-11-05", "公告")
    before = log(("contact", "2024-10-01", "上门 下落不明"), notice)
    after = log(notice, ("contact", "2024-12-01", "上门 下落不明"))
    assert claim(frame, before)["deadline"] == "2027-11-05"
    assert claim(frame, after)["deadline"] == "2025-06-30"


# --- Civil Code Art 192: revival after expiry -------------------------------------------------


def test_art_192_domain_example_debtor_signs_the_collection_notice_after_expiry() -> None:
    """due 2019-01-10; expired 2022-01-10; debtor signs the collection notice 2024-05-06 ->
    revived: 2027-05-06, listed like a live claim, the basis starting with "revived"."""
    frame = loans(
        {
            "maturity_date": "2019-01-10",
            "last_collection_date": "2024-05-06",
            "collection_evidence": "借款人在催收通知书上签字",
        }
    )
    row = claim(frame)
    assert (row["deadline"], row["status"]) == ("2027-05-06", "ok")
    assert row["basis"] == (
        "revived 2024-05-06 (Art 192); demand signed or sealed by the debtor 2024-05-06"
    )


def test_art_192_a_postal_receipt_after_expiry_revives_nothing() -> None:
    frame = loans(
        {
            "maturity_date": "2019-01-10",
            "last_collection_date": "2024-05-06",
            "collection_evidence": "邮寄签收",
        }
    )
    row = claim(frame)
    assert (row["deadline"], row["status"]) == ("2022-01-10", "expired")
    assert row["basis"].startswith("maturity 2019-01-10; acts recorded after expiry (demand")


def test_art_192_a_bare_payment_after_expiry_waives_only_what_was_paid() -> None:
    frame = loans({"maturity_date": "2019-01-10", "last_payment_date": "2024-05-06"})
    row = claim(frame)
    assert (row["deadline"], row["status"]) == ("2022-01-10", "expired")
    assert row["basis"] == (
        "maturity 2019-01-10; a payment after expiry (repayment 2024-05-06) waives the defence "
        "only for the amount paid and revives nothing else: seek the debtor's signed "
        "acknowledgment (Art 192)"
    )


@pytest.mark.parametrize(
    ("kind", "evidence", "revived"),
    [
        ("promise", "书面 承诺书", True),
        ("acknowledgment", "借款人签字确认", True),
        ("repayment_plan", "还款计划书", True),
        ("promise", "电话", False),
        ("acknowledgment", "口头", False),
        ("promise", None, False),
    ],
)
def test_art_192_only_a_written_agreement_to_perform_revives(
    kind: str, evidence: str | None, revived: bool
) -> None:
    frame = loans({"maturity_date": "2019-01-10"})
    row = claim(frame, log((kind, "2024-05-06", evidence)))
    if revived:
        assert (row["deadline"], row["status"]) == ("2027-05-06", "ok")
        assert row["basis"].startswith("revived 2024-05-06 (Art 192); ")
    else:
        assert (row["deadline"], row["status"]) == ("2022-01-10", "expired")
        word = kind.replace("_", " ")
        assert row["basis"] == (
            f"maturity 2019-01-10; an oral {word} after expiry (2024-05-06) revives nothing: "
            "get it signed in writing (Art 192)"
        )


def test_art_195_a_revived_claim_is_interrupted_like_a_running_one() -> None:
    frame = loans({"maturity_date": "2019-01-10"})
    events = log(("promise", "2023-03-01", "书面"), ("demand", "2025-09-09", "签收"))
    row = claim(frame, events)
    assert (row["deadline"], row["status"]) == ("2028-09-09", "ok")
    assert row["basis"] == "revived 2023-03-01 (Art 192); demand 2025-09-09"


def test_spc_art_18_a_revival_binds_only_the_debtor_not_the_guarantor() -> None:
    frame = loans(
        {
            "maturity_date": "2019-01-10",
            "last_collection_date": "2024-05-06",
            "collection_evidence": "签字",
            "guarantors": "乙",
            "guarantee_mode": "连带",
            "guarantee_signed_on": "2018-01-01",
            "guarantee_period": "3年",
            "guarantor_demanded_on": "2020-01-10",
        }
    )
    table = deadlines(frame)
    assert only(table, "claim_limitation")["deadline"] == "2027-05-06"
    guarantor = only(table, "guarantee_limitation", "乙")
    assert (guarantor["deadline"], guarantor["status"]) == ("2023-01-10", "expired")
    assert guarantor["basis"] == (
        "demand on the guarantor 2020-01-10; the main claim's limitation ends earlier, "
        "2022-01-10: a time-barred main debt frees the guarantor too (SPC limitation "
        "provisions Art 18)"
    )
