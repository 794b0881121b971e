"""npl report: the regulator's measures over a ledger or a period of snapshots, as JSON (the
contract), on screen and as a workbook with native charts; and the monthly simulator."""

from __future__ import annotations

import csv
import json
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
KEYS = [
    "as_of", "from", "loans", "balance", "npl", "unclassified_by_ledger", "under_classified",
    "by_class", "by", "migration", "provisions", "collections", "trend", "rolls", "notes",
]  # fmt: skip


def test_the_sample_ledgers_report_is_the_golden_one(run: Any) -> None:
    result = run("report", ROOT / "sample_data" / "ledger.xlsx", "-f", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload == json.loads((GOLDEN / "report_sample.json").read_text(encoding="utf-8"))
    assert list(payload) == KEYS
    # the bank's own classes say 13.5% of the whole ledger is NPL; the overdue floor 21.9%
    assert round(payload["npl"]["ledger"]["ratio"], 4) == 0.1354
    assert round(payload["npl"]["floor"]["ratio"], 4) == 0.2189
    assert payload["migration"] is None and payload["collections"] is None
    assert payload["notes"][0].startswith("one snapshot: no migration rates")


@pytest.fixture
def months(tmp_path: Path, run: Any) -> Path:
    folder = tmp_path / "m"
    made = run("sample", "--months", "3", "--rows", "400", "--seed", "5", "--as-of",
               "2026-11-30", "-o", folder)  # fmt: skip
    assert made.exit_code == 0, made.stderr
    for name in ("台账-2026-09.csv", "台账-2026-10.csv", "台账-2026-11.csv"):
        loaded = run("load", folder / name)  # dated by its name
        assert loaded.exit_code == 0, loaded.stderr
    imported = run("action", "import", folder / "催收记录.csv")
    assert imported.exit_code == 0 and " + rejected 0 + " in imported.stderr, imported.stderr
    return folder


def test_a_period_of_snapshots_gives_migration_collections_and_the_trend(
    months: Path, run: Any
) -> None:
    payload = json.loads(run("report", "-f", "json").stdout)
    assert (payload["from"], payload["as_of"]) == ("2026-10-31", "2026-11-30")  # the latest two
    assert [p["as_of"] for p in payload["trend"]] == ["2026-09-30", "2026-10-31", "2026-11-30"]
    october = list(csv.DictReader((months / "台账-2026-10.csv").open(encoding="utf-8")))
    matrix = payload["migration"]["matrix"]
    assert sum(cell["loans"] for cell in matrix) == len(october)  # each loan in one cell
    assert sum(cell["start_balance"] for cell in matrix) == pytest.approx(
        sum(float(r["贷款余额"]) for r in october), abs=0.05)  # fmt: skip
    log = csv.DictReader((months / "催收记录.csv").open(encoding="utf-8-sig"))
    in_period = [r for r in log if "2026-10-31" < r["催收日期"] <= "2026-11-30"]
    paid = [float(r["还款金额"]) for r in in_period if r["动作"] == "还款"]
    assert payload["collections"]["cash_collected"] == pytest.approx(sum(paid), abs=0.05)
    whole = json.loads(run("report", "--from", "2026-09-30", "-f", "json").stdout)
    assert whole["from"] == "2026-09-30"


def test_the_workbook_opens_on_a_summary_with_native_charts(months: Path, run: Any) -> None:
    result = run("report", "--lang", "zh", "-o", "r.xlsx")
    assert result.exit_code == 0, result.stderr
    book = load_workbook("r.xlsx")
    assert book.sheetnames == ["汇总", "五级分类", "分布", "迁徙率", "趋势", "账龄迁徙"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    payload = json.loads(run("report", "-f", "json").stdout)
    assert summary["不良贷款率（台账分类）"] == f"{payload['npl']['ledger']['ratio']:.2%}"
    parts = zipfile.ZipFile("r.xlsx").namelist()
    assert sorted(n for n in parts if n.startswith("xl/charts/chart")) == [
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
    ]  # classes (bars) and the trend (a line)
    archive = zipfile.ZipFile("r.xlsx")
    charts = [archive.read(f"xl/charts/chart{n}.xml").decode() for n in (1, 2)]
    assert "<c:barChart>" in charts[0] and "<c:lineChart>" in charts[1]
    assert "'趋势'!" in charts[1] or "趋势!" in charts[1]
    assert len(book["迁徙率"].conditional_formatting) == 1  # the matrix as a heat map


def test_the_simulator_is_reproducible(tmp_path: Path, run: Any) -> None:
    for folder in ("a", "b"):
        assert run("sample", "--months", "2", "--rows", "200", "--seed", "9", "--as-of",
                   "2026-11-30", "-o", folder).exit_code == 0  # fmt: skip
    for name in ("台账-2026-10.csv", "台账-2026-11.csv", "催收记录.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_watch_lists_the_performing_book_and_its_backtest_predicts(
    tmp_path: Path, run: Any
) -> None:
    """On nine simulated months the rules flag the loans that go bad: lift > 1.5, AUC > 0.6
    at three months (the simulator's hidden risk shows only through behaviour)."""
    made = run("sample", "--months", "9", "--rows", "3000", "--seed", "3", "--as-of",
               "2026-11-30", "-o", "w")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    for month in range(3, 12):
        assert run("load", tmp_path / "w" / f"台账-2026-{month:02d}.csv").exit_code == 0
    tested = json.loads(run("watch", "--backtest", "--horizon", "3", "-f", "json").stdout)
    assert list(tested)[:3] == ["horizon_months", "periods", "scored"]
    ends = ["2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31"]
    assert tested["periods"] == ends
    assert tested["lift"] > 1.5 and tested["auc"] > 0.6
    listed = json.loads(run("watch", "-f", "json", "--lang", "zh").stdout)
    assert list(listed[0]) == ["rank", "loan_id", "debtor_id", "debtor_name", "balance", "dpd",
                               "ledger_class", "score", "level", "reasons", "suggested_actions",
                               "officer", "branch", "region"]  # fmt: skip
    assert listed[0]["level"] == "red" and listed[0]["score"] >= listed[-1]["score"]
    assert "上门走访" in listed[0]["suggested_actions"]
    english = json.loads(run("watch", "-f", "json", "--lang", "en").stdout)[0]
    assert (
        english["suggested_actions"] == "site visit, more security, early collection, close watch"
    )
    by_debtor = json.loads(run("watch", "--by", "debtor", "-f", "json").stdout)
    assert "loans" in by_debtor[0] and len(by_debtor) <= len(listed)
    # calibrate suggests points; written out, they give the back-test the AUC it promised
    calibrated = json.loads(run("watch", "calibrate", "-f", "json").stdout)
    assert calibrated["auc_before"] == pytest.approx(tested["auc"])
    assert calibrated["out_of_time"]["period"] == "2026-08-31"
    assert run("watch", "calibrate", "-o", "cal.toml").exit_code == 0
    names = [
        rule["name"] for rule in tomllib.loads(Path("cal.toml").read_text("utf-8"))["warnings"]
    ]
    assert names == [rule["name"] for rule in tested["rules"]]
    retested = json.loads(run("watch", "--backtest", "--rules", "cal.toml", "-f", "json").stdout)
    assert retested["auc"] == pytest.approx(calibrated["auc_after"])
    assert run("watch", "calibrate", "-f", "csv").stderr == (
        "npl: error: watch calibrate writes a table, json (-f json) or rules (-o FILE.toml)\n"
    )
