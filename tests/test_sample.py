"""The synthetic ledger: the same seed gives the same ledger, IDs carry valid check digits,
and every column has its Chinese header."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from npl_cli.ledger.coerce import resident_id_valid
from npl_cli.sample import HEADERS, generate

AS_OF = pd.Timestamp("2026-10-31")


def test_same_seed_same_ledger_and_another_seed_another() -> None:
    first = generate(200, seed=3, as_of=AS_OF)
    assert first.equals(generate(200, seed=3, as_of=AS_OF))
    assert not first.equals(generate(200, seed=4, as_of=AS_OF))
    assert len(first) == 200 and first["loan_id"].is_unique


def test_resident_ids_are_valid_and_headers_are_chinese() -> None:
    frame = generate(300, seed=1, as_of=AS_OF)
    ids = frame["debtor_id"].astype(str)
    personal = ids[ids.str.fullmatch(r"\d{17}[\dX]")]
    assert len(personal) > 0
    assert resident_id_valid(pa.array(personal.tolist())).all()
    assert set(frame.columns) <= set(HEADERS)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in HEADERS[c]) for c in frame.columns)
