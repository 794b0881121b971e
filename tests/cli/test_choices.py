"""Filter values are checked and read as a desk user types them (either language, any case,
amounts as written); anything else is exit 2 naming what is allowed, never an empty list."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv

ROWS = [["借据号", "借款人", "贷款余额", "到期日", "逾期起始日", "联系状态"],
        ["L1", "张三", "120000", "2024-01-31", "2024-01-31", "失联"],
        ["L2", "李四", "80000", "2026-09-30", "2026-09-30", "正常"]]  # fmt: skip


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "l.csv", ROWS)


def ranked(run: Any, *args: str) -> list[str]:
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return [row["debtor_name"] for row in json.loads(result.stdout)]


def test_values_in_either_language_and_any_case(ledger: Path, run: Any) -> None:
    assert ranked(run) == ["张三", "李四"]
    assert ranked(run, "--type", "不良型") == ranked(run, "--type", "Malicious") == ["张三"]
    assert ranked(run, "--band", "m3") == ["李四"]  # 61 days past due: M3 (61-90)
    assert ranked(run, "--min-balance", "10万") == ranked(run, "--min-balance", "100,000")
    assert ranked(run, "--min-balance", "10万") == ["张三"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--band", "M9"], "--band 'M9': not one of M0, M1, M2, M3, M4, M5, M6, M6+; did you "
         "mean 'M6'?"),
        (["--type", "坏人"], "--type '坏人': not one of accidental (偶然型), hardship (困难型), "
         "irresponsible (不负责任型), malicious (不良型), unclassified (待调研)"),
        (["--min-balance", "10w"], "--min-balance '10w': not an amount; use 100000, 100,000 "
         "or 10万"),
    ],
)  # fmt: skip
def test_unknown_values_are_exit_2_naming_the_allowed(
    ledger: Path, run: Any, args: list[str], message: str
) -> None:
    result = run("triage", "l.csv", *args)
    assert (result.exit_code, result.stderr) == (2, f"npl: error: {message}\n")


def test_kinds_in_chinese_and_a_misspelt_one(ledger: Path, run: Any) -> None:
    chinese = run("limitation", "l.csv", "--as-of", "2026-11-30", "--all", "-k", "诉讼时效",
                  "-f", "json")  # fmt: skip
    assert {row["kind"] for row in json.loads(chinese.stdout)} == {"claim_limitation"}
    wrong = run("limitation", "l.csv", "-k", "guarantee")
    assert wrong.exit_code == 2
    assert wrong.stderr.endswith("; did you mean 'guarantee_period'?\n")


def test_one_officers_or_branchs_list(tmp_path: Path, run: Any, ledger: Path) -> None:
    write_csv(
        tmp_path / "o.csv",
        [["借据号", "借款人", "贷款余额", "到期日", "客户经理", "支行"],
         ["L1", "张三", "1000", "2024-01-01", "郑涛", "河口支行"],
         ["L2", "李四", "2000", "2024-02-01", "王芳", "城关支行"],
         ["L3", "王五", "3000", "2024-03-01", "郑涛", "城关支行"]],
    )  # fmt: skip
    worklist = run("triage", "o.csv", "--as-of", "2026-11-30", "--officer", "郑涛", "-f", "json")
    assert sorted(r["debtor_name"] for r in json.loads(worklist.stdout)) == ["张三", "王五"]
    due = run("limitation", "o.csv", "--as-of", "2026-11-30", "--all", "--branch", "城关支行",
              "--officer", "郑涛", "-f", "json")  # fmt: skip
    assert [r["loan_id"] for r in json.loads(due.stdout)] == ["L3"]
    missing = run("limitation", "l.csv", "--officer", "郑涛", "--as-of", "2026-11-30")
    assert (missing.exit_code, missing.stderr) == (
        2,
        "npl: error: --officer: the ledger has no officer column\n",
    )


def test_one_format_option_checked_before_any_work(
    ledger: Path, run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """-f xlsx without -o, or -o with a suffix npl does not write, fails before the ledger is
    even read (a missing ledger is not the error reported)."""
    assert run("triage", "missing.csv", "-f", "xlsx").stderr == (
        "npl: error: --format xlsx needs -o FILE.xlsx (a workbook cannot go to stdout)\n"
    )
    assert run("limitation", "missing.csv", "-o", "x.docx").stderr == (
        "npl: error: -o x.docx: npl writes .csv, .json, .jsonl or .xlsx files; name one of "
        "those, or give --format\n"
    )
    monkeypatch.setenv("NPL_WORKSPACE", str(tmp_path / "ws.duckdb"))
    assert run("load", "l.csv", "--as-of", "2026-10-31").exit_code == 0
    assert (
        run("action", "add", "L1", "call", "--date", "2026-11-02", "--note", "无人接听").exit_code
        == 0
    )
    listed = run("action", "list", "-f", "json")
    assert [(a["loan_id"], a["kind"]) for a in json.loads(listed.stdout)] == [("L1", "call")]
    assert run("action", "list", "-o", "a.xlsx").exit_code == 0
    assert (tmp_path / "a.xlsx").stat().st_size > 0
    rules = json.loads(run("rules", "show", "-f", "json").stdout)
    assert [r["name"] for r in rules[:5]] == [
        "survey_refuses_and_moves_assets_or_vanished",
        "survey_willing_and_able",
        "survey_willing_not_able",
        "survey_able_not_willing",
        "lost_contact",
    ]  # the survey's rules first
    info = run("workspace")
    assert "snapshots" in info.stdout and not info.stdout.lstrip().startswith("{")
    assert json.loads(run("workspace", "-f", "json").stdout)["snapshots"] == 1


def test_split_by_officer_writes_a_file_each_and_the_whole(tmp_path: Path, run: Any) -> None:
    write_csv(
        tmp_path / "o.csv",
        [["借据号", "借款人", "贷款余额", "到期日", "客户经理"],
         ["L1", "张三", "1000", "2024-01-01", "郑涛"],
         ["L2", "李四", "2000", "2024-02-01", "王/芳"],
         ["L3", "王五", "3000", "2024-03-01", ""]],
    )  # fmt: skip
    result = run("triage", "o.csv", "--as-of", "2026-11-30", "--split-by", "officer",
                 "-f", "csv", "-o", "out", "--lang", "zh")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("已写入")] == [
        "已写入 out/全部.csv", "已写入 out/未分配.csv", "已写入 out/王_芳.csv",
        "已写入 out/郑涛.csv",
    ]  # fmt: skip
    names = {
        path.name: [
            r["debtor_name"] for r in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))
        ]
        for path in (tmp_path / "out").iterdir()
    }
    assert sorted(names.pop("全部.csv")) == ["张三", "李四", "王五"]  # the whole list
    assert names == {"未分配.csv": ["王五"], "王_芳.csv": ["李四"], "郑涛.csv": ["张三"]}
