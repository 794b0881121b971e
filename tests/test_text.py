"""Vectorised text helpers shared by the domain modules."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from npl_cli.text import contains_any, one_chunk_strings, positions_in


def test_positions_in_finds_each_wanted_key_and_marks_the_rest() -> None:
    keys = pd.Series(["DK1", "DK2", "DK3", None], dtype="str")
    wanted = pd.Series(["DK3", "DK9", "DK1", None, "DK3"], dtype=object)
    assert positions_in(keys, wanted).tolist() == [2, -1, 0, -1, 2]


def test_positions_in_compares_numbers_as_their_text() -> None:
    keys = pd.Series([20230001, 20230002])
    assert positions_in(keys, pd.Series(["20230002"])).tolist() == [1]
    assert positions_in(keys, pd.Series([], dtype=object)).tolist() == []


def test_contains_any_ignores_case_and_missing_text() -> None:
    text = pd.Series(["已签收", "Returned 退回", None, "SIGNED"], dtype=object)
    assert contains_any(text, ["签收", "signed"]).tolist() == [True, False, False, True]


def test_one_chunk_strings_gives_one_plain_string_array() -> None:
    text = pd.Series(["王五、赵六", None, "钱七"], dtype="str")
    values = one_chunk_strings(text)
    assert (values.type, values.to_pylist()) == (pa.string(), ["王五、赵六", None, "钱七"])
