"""Survey answers: every form row is answered, rejected or skipped, and only allowed values
are stored (Hypothesis); places from addresses."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from npl_cli.survey import ANSWERS, KEY_HEADER, check_answers, places

CELL = {a.header: st.sampled_from([None, "", "乱写", *(a.allowed or ("线索",))]) for a in ANSWERS}
CELL["调查日期"] = st.sampled_from([None, "2026-12-01", "2026年12月2日", "昨天"])
ROW = st.fixed_dictionaries({KEY_HEADER: st.sampled_from([None, "2026-11-30|A1"]), **CELL})


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, max_size=12))
def test_every_row_is_answered_rejected_or_skipped(rows: list[dict[str, object]]) -> None:
    form = pd.DataFrame(rows, columns=[KEY_HEADER, *(a.header for a in ANSWERS)], dtype=object)
    checked = check_answers(form, "f.xlsx", first_row=2)
    assert len(checked.answers) + checked.rejected + checked.skipped == len(rows)
    for answer in ANSWERS:
        if answer.allowed is not None:
            stored = checked.answers[answer.field].dropna()
            assert stored.isin(answer.allowed).all()
    assert checked.answers["surveyed_on"].notna().all()
    assert set(checked.rejects["source_row"]) <= set(range(2, 2 + len(rows)))


def test_a_place_is_the_village_else_the_township_else_the_region() -> None:
    rows = pd.DataFrame(
        {
            "region": ["城关镇", "城关镇", "城关镇", "白沙镇"],
            "address": ["某县城关镇一村5号", "红旗乡三村", "东街12号", None],
        }
    )
    assert places(rows).tolist() == ["城关镇一村", "城关镇红旗乡三村", "城关镇", "白沙镇"]
