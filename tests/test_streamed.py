"""A ledger in parts too big to read whole is streamed part by part and bucket by bucket,
with the same output as reading it whole; the buckets never outlive the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from npl_cli.ledger.parts import read_part
from npl_cli.pipeline import streamed
from npl_cli.sample import generate

AS_OF = "2026-10-31"


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return generate(1200, seed=23, as_of=pd.Timestamp(AS_OF))


def test_whether_to_stream_follows_the_memory_it_would_take(tmp_path: Path) -> None:
    parts = []
    for i in range(2):
        part = tmp_path / f"part-{i}.csv"
        part.write_bytes(b"x" * 1000)
        parts.append(part)
    # read whole: 2,000 bytes x 8 = 16,000 bytes, streamed when that is over half the memory
    assert streamed.worth_streaming(parts, available=31_999)
    assert not streamed.worth_streaming(parts, available=32_000)
    assert not streamed.worth_streaming(parts[:1], available=1)  # one file: nothing to split


@pytest.mark.parametrize(
    ("command", "extra"),
    [("triage", []), ("triage", ["--by", "loan"]), ("limitation", ["--days", "365"]),
     ("watch", ["--by", "debtor"])],
)  # fmt: skip
def test_streaming_gives_the_bytes_of_reading_whole(
    tmp_path: Path, loans: pd.DataFrame, run: Any, monkeypatch: pytest.MonkeyPatch,
    command: str, extra: list[str],
) -> None:  # fmt: skip
    folder = tmp_path / "book"
    folder.mkdir()
    for i, start in enumerate(range(0, 1200, 300)):
        loans.iloc[start : start + 300].to_csv(folder / f"part-{i}.csv", index=False)
    args = [command, folder, "--as-of", AS_OF, "-f", "csv", *extra]
    whole = run(*args, "-o", tmp_path / "whole.csv")
    assert whole.exit_code == 0, whole.output
    monkeypatch.setattr(streamed, "_available_memory", lambda: 1)
    split = run(*args, "-o", tmp_path / "streamed.csv")
    assert split.exit_code == 0, split.output
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "streamed.csv").read_bytes()
    assert (tmp_path / "whole.csv").read_bytes().count(b"\n") > 50
    assert whole.output == split.output  # the same notes and counts on stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".npl-")] == []


def test_a_rejected_row_in_a_part_is_counted_and_named(
    tmp_path: Path, loans: pd.DataFrame, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    loans.iloc[:600].to_csv(folder / "part-0.csv", index=False)
    second = loans.iloc[600:].astype({"balance": object}).reset_index(drop=True)
    second.loc[4, "balance"] = "lots"  # the file's row 6: the header is row 1
    second.to_csv(folder / "part-1.csv", index=False)
    monkeypatch.setattr(streamed, "_available_memory", lambda: 1)
    done = run("triage", folder, "--as-of", AS_OF, "-f", "csv", "-o", "out.csv",
               "--rejects", "rejects.csv")  # fmt: skip
    assert done.exit_code == 0, done.output
    rejects = pd.read_csv(tmp_path / "rejects.csv", dtype=str)
    assert rejects[["source_file", "source_row", "column", "value", "reason"]].values.tolist() == [
        ["part-1.csv", "6", "balance", "lots", "balance is not a number"]
    ]


def test_parquet_parts_of_canonical_columns_read_like_the_ledger(
    tmp_path: Path, loans: pd.DataFrame, run: Any
) -> None:
    csv_parts, parquet_parts = tmp_path / "csv", tmp_path / "parquet"
    csv_parts.mkdir()
    parquet_parts.mkdir()
    for i, start in enumerate((0, 700)):
        piece = loans.iloc[start : start + 700]
        piece.to_csv(csv_parts / f"part-{i}.csv", index=False)
    for i, path in enumerate(sorted(csv_parts.iterdir())):  # the canonical frame, as exported
        read_part(path, columns={}, check_ids=False).frame.to_parquet(
            parquet_parts / f"part-{i}.parquet"
        )
    for folder in (csv_parts, parquet_parts):
        done = run("triage", folder, "--as-of", AS_OF, "-f", "csv", "-o", f"{folder.name}.csv")
        assert done.exit_code == 0, done.output
        assert "ranked from 1,200 loans" in done.output
    assert (tmp_path / "csv.csv").read_bytes() == (tmp_path / "parquet.csv").read_bytes()
