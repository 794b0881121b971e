"""npl limitation from the command line: columns, window, --exit-code for cron jobs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv

HEADER = ["借据号", "借款人", "贷款余额", "到期日", "最近催收日", "送达情况", "保证人"]


def ledger(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "l.csv", [HEADER, *rows])


def test_csv_columns_and_values(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        ["L1", "张三", "1000", "2023-12-20", "", "", ""],
        ["L2", "李四", "2000", "2022-06-30", "2024-11-05", "退回", ""],
    )
    result = run("limitation", "l.csv", "--as-of", "2026-11-30", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "loan_id",
        "debtor_id",
        "debtor_name",
        "party",
        "kind",
        "deadline",
        "act_by",
        "days_left",
        "status",
        "basis",
        "action",
        "balance",
        "last_day",
        "officer",
        "branch",
        "phone",
        "address",
    ]
    # Art 203: 2026-12-20 is a Sunday, so the legal last day is Monday 2026-12-21
    assert [r[12] for r in rows[1:]] == ["2025-06-30", "2026-12-21"]
    assert [r[:10] for r in rows[1:]] == [
        [
            "L2",
            "",
            "李四",
            "李四",
            "claim_limitation",
            "2025-06-30",
            "2025-06-30",
            "-518",
            "expired",
            "maturity 2022-06-30",
        ],
        [
            "L1",
            "",
            "张三",
            "张三",
            "claim_limitation",
            "2026-12-20",
            "2026-12-18",
            "20",
            "due",
            "maturity 2023-12-20",
        ],
    ]
    assert result.stderr.splitlines()[0] == "as of 2026-11-30: 1 expired, 1 due"


def test_window_and_no_expired(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        ["L1", "张三", "1000", "2023-12-20", "", "", ""],
        ["L2", "李四", "2000", "2020-06-30", "", "", ""],
    )
    narrow = run(
        "limitation", "l.csv", "--as-of", "2026-11-30", "--days", "19", "-f", "json", "--no-expired"
    )
    assert json.loads(narrow.stdout) == []
    wide = run(
        "limitation", "l.csv", "--as-of", "2026-11-30", "--days", "20", "-f", "json", "--no-expired"
    )
    assert [r["loan_id"] for r in json.loads(wide.stdout)] == ["L1"]


def test_exit_code_3_when_something_is_due(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2023-12-20", "", "", ""])
    result = run("limitation", "l.csv", "--as-of", "2026-11-30", "--exit-code", "-f", "json")
    assert result.exit_code == 3
    assert run("limitation", "l.csv", "--as-of", "2026-11-30", "-f", "json").exit_code == 0


def test_exit_code_0_when_only_old_expiries(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2020-06-30", "", "", ""])
    result = run("limitation", "l.csv", "--as-of", "2026-11-30", "--exit-code", "-f", "json")
    assert result.exit_code == 0
    assert [r["status"] for r in json.loads(result.stdout)] == ["expired"]


def test_exit_code_3_for_a_new_expiry(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2023-11-20", "", "", ""])
    args = ["limitation", "l.csv", "--as-of", "2026-11-30", "--exit-code", "-f", "json"]
    assert run(*args).exit_code == 3
    assert run(*args, "--since", "2026-11-25").exit_code == 0


def test_kind_filter_and_guarantors(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2026-06-30", "", "", "王五、赵六"])
    result = run(
        "limitation", "l.csv", "--as-of", "2026-11-30", "--kind", "guarantee_period", "-f", "json"
    )
    rows = json.loads(result.stdout)
    assert [(r["party"], r["deadline"], r["status"]) for r in rows] == [
        ("王五", "2026-12-30", "due"),
        ("赵六", "2026-12-30", "due"),
    ]


def test_table_masks_names(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三丰", "1000", "2023-12-20", "", "", ""])
    result = run("limitation", "l.csv", "--as-of", "2026-11-30", "--lang", "zh")
    assert result.exit_code == 0
    assert "张*丰" in result.stdout and "张三丰" not in result.stdout
    assert "30天内届满" in result.stdout
    assert "张三丰" in run("limitation", "l.csv", "--as-of", "2026-11-30", "--no-mask").stdout


def test_bad_as_of_is_a_usage_error(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2023-12-20", "", "", ""])
    result = run("limitation", "l.csv", "--as-of", "yesterday")
    assert result.exit_code == 2
    assert result.stderr == (
        "npl: error: --as-of 'yesterday' is not a date; use YYYY-MM-DD, e.g. 2026-10-31\n"
    )


def test_a_narrow_terminal_gets_one_card_per_deadline(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    sample = Path(__file__).resolve().parents[2] / "sample_data" / "ledger.xlsx"
    result = run("limitation", str(sample), "--as-of", "2026-11-30", "--lang", "en", "--top", "1")
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    # 16 expired and 4 due within 90 days, 1 listed
    assert lines[-1] == "19 more not listed; write them all with --format csv|xlsx -o FILE"
    assert lines[:5] == [
        "expired: 16 (1 listed)",
        " DK000000113  高*  party: 梁*英",
        " kind: guarantee period · deadline: 2026-11-17 · act by: 2026-11-17",
        " last day: 2026-11-17 · days left: -13 · balance: 9,982.59",
        " basis: due date 2026-05-17; 6 months ('until paid' counts as unclear)",
    ]


def test_basis_and_action_in_chinese_with_lang_zh(tmp_path: Path, run: Any) -> None:
    # DOMAIN.md: due 2022-06-30, demand signed for 2024-11-05 -> 2027-11-05; a guarantor with
    # no agreed period: 6 months from the due date, long gone.
    ledger(tmp_path, ["L1", "张三", "1000", "2022-06-30", "2024-11-05", "签收", "王五"])
    result = run(
        "limitation", "l.csv", "--as-of", "2026-11-30", "--all", "-f", "json", "--lang", "zh"
    )
    rows = {row["kind"]: row for row in json.loads(result.stdout)}
    claim, guarantee = rows["claim_limitation"], rows["guarantee_period"]
    assert (claim["deadline"], claim["status"]) == ("2027-11-05", "ok")
    assert claim["basis"] == "催收送达 2024-11-05"
    assert claim["action"] == (
        "寄送催收通知并取得签收回执，或取得债务人签字确认；届满前都无法取得的，及时起诉"
    )
    assert (guarantee["deadline"], guarantee["status"]) == ("2022-12-30", "expired")
    assert guarantee["basis"] == "主债务到期日 2022-06-30；6个月（未约定保证期间）"
    assert guarantee["action"] == "保证人免除保证责任（民法典第693条），不能再向其主张"


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200, 250])
def test_no_loan_id_date_or_amount_is_split_at_any_width(
    run: Any, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    sample = Path(__file__).resolve().parents[2] / "sample_data" / "ledger.xlsx"
    args = ["limitation", str(sample), "--as-of", "2026-11-30", "--lang", "zh"]
    screen = run(*args, "--top", "20").stdout
    rows = json.loads(run(*args, "-f", "json").stdout)
    assert len(rows) == 20  # 16 expired and 4 due within 90 days: all of them are listed
    for row in rows:
        for whole in (row["loan_id"], row["deadline"], f"{row['balance']:,.2f}"):
            assert whole in screen, (width, whole)
