"""The calendar of Civil Code Art 203: rest days, make-up working days (调休), the legal last
day, the act-by date, and holidays by rule past the announced calendar."""

from __future__ import annotations

import numpy as np
import pandas as pd

from npl_cli.periods import act_by, legal_last_day, rest_calendar
from tests.test_deadlines import deadlines, loans, only


def days(*dates: str) -> np.ndarray:
    return np.array(dates, dtype="datetime64[ns]")


def text(values: np.ndarray) -> list[str]:
    return [str(v)[:10] for v in values]


def test_art_203_domain_example_saturday_end_runs_to_monday() -> None:
    """due 2023-11-28, nothing since (2026-11-28 is a Saturday): legal last day 2026-11-30,
    act by 2026-11-27; as of 2026-11-30 the claim is still alive."""
    frame = loans({"maturity_date": "2023-11-28"})
    alive = only(deadlines(frame, as_of=pd.Timestamp("2026-11-30")), "claim_limitation")
    assert (alive["deadline"], alive["act_by"], alive["last_day"]) == (
        "2026-11-28",
        pd.Timestamp("2026-11-27"),
        pd.Timestamp("2026-11-30"),
    )
    assert (alive["status"], alive["days_left"]) == ("due", -2)  # counted to the nominal end
    assert alive["action"].startswith("the period ended on a rest day and runs to its legal")
    gone = only(deadlines(frame, as_of=pd.Timestamp("2026-12-01")), "claim_limitation")
    assert gone["status"] == "expired"


def test_art_203_an_act_on_the_legal_last_day_is_in_time() -> None:
    frame = loans(
        {
            "maturity_date": "2023-11-28",
            "last_collection_date": "2026-11-30",
            "collection_evidence": "签收",
        }
    )
    row = only(deadlines(frame, as_of=pd.Timestamp("2026-12-01")), "claim_limitation")
    assert (row["deadline"], row["status"]) == ("2029-11-30", "ok")


def test_make_up_working_saturday_is_a_working_day() -> None:
    """2026-02-14 (Saturday) was announced as a working day (调休): a period ending then ends
    then, and it is its own act-by date."""
    assert text(legal_last_day(days("2026-02-14"))) == ["2026-02-14"]
    assert text(act_by(days("2026-02-14"))) == ["2026-02-14"]
    row = only(
        deadlines(loans({"maturity_date": "2023-02-14"}), as_of=pd.Timestamp("2026-02-15")),
        "claim_limitation",
    )
    assert row["status"] == "expired"


def test_holidays_past_the_announced_calendar_come_by_rule() -> None:
    """2027 is not announced yet: 元旦 2027-01-01 (a Friday) is a rest day by rule, so act by
    2026-12-31 and the legal last day is Monday 2027-01-04; National Day 2027-10-01..03."""
    assert rest_calendar().announced[1] == 2026
    assert text(act_by(days("2027-01-01", "2027-10-02"))) == ["2026-12-31", "2027-09-30"]
    assert text(legal_last_day(days("2027-01-01", "2027-10-01"))) == [
        "2027-01-04",
        "2027-10-04",
    ]
    # the lunar holidays too: 春节 2027 starts on New Year's Eve, Friday 2027-02-05
    assert text(act_by(days("2027-02-08"))) == ["2027-02-04"]


def test_the_note_names_the_calendar_used() -> None:
    from npl_cli.deadlines import compute_deadlines
    from tests.test_deadlines import packaged

    computed = compute_deadlines(
        loans({"maturity_date": "2024-01-01"}), as_of=pd.Timestamp("2026-11-30"),
        settings=packaged(),
    )  # fmt: skip
    assert computed.notes == [
        "act-by and last-day dates use the State Council's announced holidays and make-up "
        "working days for 2004–2026, and the statutory holidays by rule (New Year, Spring "
        "Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day) for other years"
    ]


def test_missing_dates_stay_missing() -> None:
    assert np.isnat(legal_last_day(days("NaT"))).all()
    assert np.isnat(act_by(days("NaT", "NaT"))).all()
