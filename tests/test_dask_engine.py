"""The dask engine gives the pandas engine's answer (triage, limitation, watch): the same
rows, in the same order, the same CSV bytes, however the ledger is cut into parts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npl_cli.config import load_settings
from npl_cli.ledger.parts import joined, part_paths, read_part
from npl_cli.messages import merged_notes, said, tally
from npl_cli.pipeline import triage
from npl_cli.pipeline.watch import watch
from npl_cli.sample import generate

distributed = pytest.importorskip("distributed")
dask_engine = pytest.importorskip("npl_cli.pipeline.dask_engine")

AS_OF = pd.Timestamp("2026-10-31")
OPTIONS = {"columns": {}, "check_ids": False}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0", processes=True
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    return generate(1500, seed=11, as_of=AS_OF)


def write_parts(loans: pd.DataFrame, folder: Path, cuts: list[int]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    bounds = [0, *sorted(cuts), len(loans)]
    paths = []
    for i, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        path = folder / f"part-{i:03d}.csv"
        loans.iloc[start:end].to_csv(path, index=False)
        paths.append(path)
    return paths


def pandas_rows(paths: list[Path], by: str) -> pd.DataFrame:
    ledger = joined([read_part(p, **OPTIONS) for p in paths], "parts")
    return triage(ledger, load_settings(), as_of=AS_OF, by=by, lang="en").rows


def test_a_folder_of_parts_reads_as_the_whole_file(tmp_path: Path, loans: pd.DataFrame) -> None:
    whole = tmp_path / "whole.csv"
    loans.to_csv(whole, index=False)
    paths = write_parts(loans, tmp_path / "parts", [400, 401, 1000])
    assert part_paths(tmp_path / "parts") == paths
    assert part_paths(Path(str(tmp_path / "parts" / "part-00[02].csv"))) == [paths[0], paths[2]]
    assert part_paths(whole) is None
    one = triage(read_part(whole, **OPTIONS), load_settings(), as_of=AS_OF, lang="en").rows
    pd.testing.assert_frame_equal(pandas_rows(paths, "debtor"), one)


@pytest.mark.parametrize("by", ["debtor", "loan"])
def test_dask_equals_pandas_row_for_row(
    tmp_path: Path, loans: pd.DataFrame, client: Any, by: str
) -> None:
    paths = write_parts(loans, tmp_path / "parts", [300, 700, 1200])
    result, read = dask_engine.triage(
        paths, load_settings(), name="parts", read_options=OPTIONS, as_of=AS_OF, by=by, lang="en"
    )
    expected = pandas_rows(paths, by)
    pd.testing.assert_frame_equal(result.rows, expected)
    assert len(expected) > 300 and expected["loan_id" if by == "loan" else "debtor_id"].is_unique
    assert read.rows_used == 1500 and len(read.frame) == 0  # the loans stayed on the workers


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.integers(min_value=1, max_value=1499), min_size=0, max_size=6))
def test_any_partitioning_gives_the_same_worklist(
    tmp_path: Path, loans: pd.DataFrame, client: Any, cuts: list[int]
) -> None:
    paths = write_parts(loans, tmp_path / "random", cuts)
    result, _ = dask_engine.triage(
        paths, load_settings(), name="parts", read_options=OPTIONS, as_of=AS_OF, lang="en"
    )
    expected = triage(
        read_part(write_parts(loans, tmp_path / "one", [])[0], **OPTIONS),
        load_settings(), as_of=AS_OF, lang="en",
    )  # fmt: skip
    pd.testing.assert_frame_equal(result.rows, expected.rows)
    assert result.notes == expected.notes
    watched, _ = dask_engine.watch(
        paths, load_settings(), name="parts", read_options=OPTIONS, as_of=AS_OF, lang="en"
    )
    whole = read_part(tmp_path / "one" / "part-000.csv", **OPTIONS).frame
    alone = watch([(AS_OF, whole)], load_settings(), as_of=AS_OF, by="loan", lang="en")
    pd.testing.assert_frame_equal(watched.rows, alone.rows)
    assert watched.scored == alone.scored and watched.counts == alone.counts
    assert result.portfolio["loans"] == 1500
    assert result.portfolio["balance"] == pytest.approx(expected.portfolio["balance"], abs=0.01)


def test_the_cli_writes_the_same_bytes_on_both_engines(
    tmp_path: Path, loans: pd.DataFrame, run: Any
) -> None:
    folder = tmp_path / "parts"
    write_parts(loans, folder, [500, 1000])
    runs: tuple[tuple[str, list[str]], ...] = (
        ("triage", []),
        ("limitation", ["--days", "180"]),
        ("watch", ["--by", "debtor"]),
    )
    for command, extra in runs:
        for engine in ("pandas", "dask"):
            done = run(command, folder, "--as-of", "2026-10-31", "-f", "csv",
                       "-o", f"{command}-{engine}.csv", "--engine", engine, *extra)  # fmt: skip
            assert done.exit_code == 0, done.output
        pandas_bytes = (tmp_path / f"{command}-pandas.csv").read_bytes()
        assert pandas_bytes == (tmp_path / f"{command}-dask.csv").read_bytes()
        assert pandas_bytes.count(b"\n") > 100


def test_the_dask_engine_reads_files_not_the_workspace(run: Any, tmp_path: Path) -> None:
    done = run("triage", "--engine", "dask", "--as-of", "2026-10-31")
    assert done.exit_code == 2
    assert "--engine dask reads a LEDGER given as a file, a folder or a quoted glob" in done.output
    (tmp_path / "parts").mkdir()
    done = run("triage", tmp_path / "parts", "--engine", "dask")
    assert done.exit_code == 2
    assert "--engine dask needs --as-of DATE" in done.output
    done = run("triage", tmp_path / "parts", "--engine", "dask", "--lang", "zh")
    assert done.exit_code == 2
    assert "--engine dask 需要 --as-of 日期（分片在各工作进程上读取）" in done.output


def test_counted_notes_of_parts_add_up() -> None:
    def loans(count: int) -> Any:
        return said(f"{count:,} loans paid off", f"{count:,} 笔贷款已结清")

    parts = [
        [tally("paid", 2, loans), said("calendar", "日历")],
        [said("calendar", "日历"), tally("paid", 1_999, loans)],
    ]
    notes = merged_notes(parts)
    assert notes == ["2,001 loans paid off", "calendar"]
    assert notes[0].zh == "2,001 笔贷款已结清"  # type: ignore[attr-defined]


def test_positions_of_parts_order_debtors_as_the_whole(loans: pd.DataFrame) -> None:
    from npl_cli.debtors import debtor_keys, debtor_order

    frame = loans.copy()
    frame.loc[frame.index[:5], "debtor_id"] = None  # these five are told apart by name
    codes, _ = debtor_keys(frame)
    key = debtor_order(frame, codes, np.arange(len(frame)), int(codes.max()) + 1)
    assert (np.argsort(key, kind="stable") == np.arange(len(key))).all()


def test_a_bad_part_on_a_worker_is_one_line_and_exit_2(tmp_path: Path, loans: pd.DataFrame) -> None:
    folder = tmp_path / "book"
    write_parts(loans, folder, [700])
    (folder / "part-002.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "npl_cli", "triage", str(folder), "--as-of", "2026-10-31",
         "--engine", "dask", "-f", "csv", "-o", str(tmp_path / "out.csv")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"npl: error: {folder / 'part-002.csv'}: no ledger header found; expected headers such "
        "as 借据号 and 贷款余额 (see 'npl inspect --help'); use --header-row N, or map your "
        "headers in npl.toml [columns]"
    ]  # the workers' own logs of the failure stay silent
    assert not (tmp_path / "out.csv").exists()
