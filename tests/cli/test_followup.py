"""The worklist learns from the action log (stages, recent facts, promises, one next step),
the log can take an action back, and dates cannot silently go wrong (as-of from the file, the
same content under two dates)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from npl_cli.ledger.actions import KIND_WORDS
from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
HEADER = [
    "借据号",
    "借款人",
    "证件号码",
    "贷款余额",
    "到期日",
    "逾期起始日",
    "联系状态",
    "客户经理",
]


def worklist(run: Any, *args: str) -> dict[str, dict[str, Any]]:
    result = run("triage", *args, "--as-of", "2026-11-30", "--lang", "zh", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {row["debtor_name"]: row for row in json.loads(result.stdout)}


def test_the_sample_month_of_actions_changes_the_worklist(run: Any) -> None:
    assert run("load", SAMPLE / "ledger.xlsx").exit_code == 0  # the snapshot of 2026-10-31
    before = worklist(run)
    assert run("action", "import", SAMPLE / "actions.csv").exit_code == 0
    after = worklist(run)

    def seen(rows: dict[str, dict[str, Any]], name: str) -> tuple[Any, ...]:
        return rows[name]["stage"], rows[name]["debtor_type"], rows[name]["next_step"]

    # 程飞娜 (失联 in the ledger) promised and paid ¥20,000 on time: no longer "lost"
    assert seen(before, "程飞娜") == (
        "pre_legal",
        "malicious",
        "由客户经理孙强查找借款人下落和财产线索，条件具备即起诉并申请财产保全",
    )
    assert seen(after, "程飞娜") == (
        "pre_legal",
        "hardship",
        "由客户经理孙强上门了解困难，商定分期还款计划（时间、方式、金额），取得借款人书面签字",
    )
    assert after["程飞娜"]["last_action"] == "payment"
    # 宋磊丽 promised by phone (so was reached) and broke the promise: unwilling, not lost
    assert seen(after, "宋磊丽") == (
        "pre_legal",
        "irresponsible",
        "由客户经理赵敏上门送达书面催收通知书并取得签收，讲明逾期后果",
    )
    assert "违约承诺1次" in after["宋磊丽"]["reasons"]
    # 周霞鹏's signed demand interrupted the limitation: the deadline is no longer the step
    assert (
        seen(before, "周霞鹏")[2]
        == "由客户经理郑涛在 2027-01-08 前向借款人送达书面催收并取得签收（或借款人签字确认）"
    )
    assert seen(after, "周霞鹏") == (
        "pre_legal",
        "malicious",
        "由客户经理郑涛查找借款人下落和财产线索，条件具备即起诉并申请财产保全",
    )
    # 曾丽华 was sued: in litigation, no installments or visits without the lawyer
    assert (
        seen(before, "曾丽华")[0] == "pre_legal" and "installments" in before["曾丽华"]["tactics"]
    )
    assert seen(after, "曾丽华") == (
        "litigation",
        "hardship",
        "由客户经理陈静配合律师跟进诉讼：和解、分期须经律师，不单独上门谈判",
    )
    assert "installments" not in after["曾丽华"]["tactics"]
    assert after["曾丽华"]["reasons"].endswith("阶段：诉讼中")
    # 程红红's guarantors are general guarantors: demanding them holds nobody, suing does
    assert seen(after, "程红红") == (
        "pre_legal",
        "irresponsible",
        "由客户经理陈静在 2027-01-15 前起诉借款人（或申请仲裁），以保住一般保证人徐伟艳的"
        "保证责任（仅催收保证人无效）",
    )
    assert (after["程红红"]["last_action"], after["程红红"]["last_action_date"]) == (
        "guarantor_demand", "2026-11-06")  # fmt: skip


def ledger(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "l.csv", [HEADER, *rows])


def test_a_promise_due_within_a_week_lists_the_debtor_with_its_three_elements(
    tmp_path: Path, run: Any
) -> None:
    # both loans are current (nothing overdue, no deadline near): only a promise lists them
    ledger(tmp_path, ["L1", "张三", "A", "80000", "2029-06-30", "", "", "郑涛"],
           ["L2", "李四", "B", "80000", "2029-06-30", "", "", "郑涛"])  # fmt: skip
    run("load", "l.csv", "--as-of", "2026-11-30")
    run("action", "add", "L1", "承诺还款", "--date", "2026-11-28", "--method", "转账",
        "--promise-date", "2026-12-05", "--promise-amount", "3000")  # fmt: skip
    run("action", "add", "L2", "promise", "--date", "2026-11-28", "--method", "现金",
        "--promise-date", "2026-12-10", "--promise-amount", "500")  # fmt: skip
    rows = worklist(run)
    assert list(rows) == ["张三"]  # 李四's promise falls due in 10 days: not yet
    row = rows["张三"]
    assert (row["open_promise_date"], row["open_promise_amount"], row["open_promise_method"]) == (
        "2026-12-05", 3000.0, "转账")  # fmt: skip
    assert row["next_step"] == (
        "由客户经理郑涛在 2026-12-05 跟进还款承诺（¥3,000，转账），到期未还即记为违约并改为书面催收"
    )
    assert row["reasons"].endswith("承诺 2026-12-05 还款¥3,000")


def test_a_payment_since_the_snapshot_beats_the_ledgers_lost_contact(
    tmp_path: Path, run: Any
) -> None:
    ledger(tmp_path, ["L1", "张三", "A", "50000", "2026-08-31", "2026-08-31", "失联", "郑涛"])
    run("load", "l.csv", "--as-of", "2026-10-31")
    assert worklist(run)["张三"]["rule"] == "lost_contact"
    run("action", "add", "L1", "上门催收", "--date", "2026-11-12", "--note", "见到本人")
    row = worklist(run)["张三"]
    assert (row["debtor_type"], row["rule"]) == ("unclassified", "")  # not "lost" any more
    assert "失联" not in row["reasons"]
    assert (row["last_action"], row["last_action_date"]) == ("visit", "2026-11-12")
    run("action", "add", "L1", "还款", "--date", "2026-11-20", "--amount", "20000")
    row = worklist(run)["张三"]
    assert (row["debtor_type"], row["rule"]) == ("hardship", "recent_payment_no_broken_promise")
    assert "快照后已还款¥20,000" in row["reasons"]


def test_a_voided_action_stays_in_the_log_and_counts_no_more(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "A", "50000", "2026-08-31", "2026-08-31", "失联", "郑涛"])
    run("load", "l.csv", "--as-of", "2026-10-31")
    run("action", "add", "L1", "还款", "--date", "2026-11-20", "--amount", "20000")
    run("action", "add", "L1", "电话", "--date", "2026-11-03", "--note", "未接通")
    listed = json.loads(run("action", "list", "-f", "json").stdout)
    assert [(a["id"], a["kind"], a["date"]) for a in listed] == [
        (2, "call", "2026-11-03"),
        (1, "payment", "2026-11-20"),
    ]  # oldest first, with ids
    assert worklist(run)["张三"]["rule"] == "recent_payment_no_broken_promise"
    voided = run("action", "void", "1", "--why", "金额录错", "--lang", "zh")
    assert (voided.exit_code, voided.stderr) == (
        0, "已作废催收记录 1（L1，2026-11-20，payment）：金额录错\n")  # fmt: skip
    assert worklist(run)["张三"]["rule"] == "lost_contact"  # the payment no longer counts
    assert [a["id"] for a in json.loads(run("action", "list", "-f", "json").stdout)] == [2]
    kept = json.loads(run("action", "list", "--voided", "-f", "json").stdout)
    assert [(a["id"], a["void_reason"]) for a in kept] == [(2, None), (1, "金额录错")]
    assert kept[1]["voided_by"] and kept[1]["voided_at"]
    again = run("action", "void", "1", "--why", "再作废")
    assert (again.exit_code, again.stderr) == (
        2, "npl: error: action 1 was voided already (金额录错)\n")  # fmt: skip
    missing = run("action", "void", "9", "--why", "x")
    assert (missing.exit_code, missing.stderr) == (
        2, "npl: error: no action 9; `npl action list` shows the ids\n")  # fmt: skip


def test_import_writes_its_rejected_rows_with_the_cells_as_written(
    tmp_path: Path, run: Any
) -> None:
    write_csv(tmp_path / "a.csv", [
        ["借据号", "动作", "催收日期", "还款金额"],
        ["L1", "电话催收", "2026-11-03", ""],
        ["L1", "还款", "2026-13-40", "500"],
        ["L1", "喝茶", "2026-11-05", ""],
    ])  # fmt: skip
    result = run("action", "import", "a.csv", "--rejects", "bad.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "rows read 3 = used 1 + rejected 2 + skipped 0" in result.stderr
    rows = list(load_workbook(tmp_path / "bad.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:3] == ("source_file", "source_row", "reason")
    assert [row[1:] for row in rows[1:]] == [
        (3, "催收日期 is not a date", "L1", "还款", "2026-13-40", "500"),
        (4, "动作 '喝茶' is not an action kind", "L1", "喝茶", "2026-11-05", None),
    ]


@pytest.mark.parametrize(("word", "kind"), sorted(KIND_WORDS.items()))
def test_every_documented_chinese_kind_word_reads_as_its_kind(
    tmp_path: Path, run: Any, word: str, kind: str
) -> None:
    promise = ["2026-12-01", "100"] if kind == "promise" else ["", ""]
    write_csv(tmp_path / "a.csv", [["借据号", "动作", "日期", "承诺还款日", "承诺金额"],
                                   ["L1", word, "2026-11-03", *promise]])  # fmt: skip
    assert run("action", "import", "a.csv").exit_code == 0
    listed = json.loads(run("action", "list", "-f", "json").stdout)
    assert [a["kind"] for a in listed] == [kind]


def test_the_readme_documents_every_chinese_kind_word() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [word for word in KIND_WORDS if f"`{word}`" not in readme] == []


def test_as_of_comes_from_the_title_row_and_is_said(run: Any) -> None:
    result = run("triage", SAMPLE / "ledger.xlsx", "-f", "json")
    assert result.stderr.splitlines()[1:3] == [
        "note: as of 2026-10-31, the date its title row gives "
        "('XX农村商业银行贷款台账（2026年10月末）'); "
        "--as-of DATE to compute as of another day",
        "as of 2026-10-31: 78 debtors ranked from 300 loans",
    ]
    far = run("triage", SAMPLE / "ledger.xlsx", "--as-of", "2026-12-31", "-f", "json")
    assert far.stderr.splitlines()[1] == (
        "warning: --as-of 2026-12-31 is 61 days from the date its title row gives (2026-10-31: "
        "'XX农村商业银行贷款台账（2026年10月末）'); check that this is the ledger you mean"
    )


def test_without_a_date_in_the_file_today_is_used_and_said(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "A", "50000", "2026-08-31", "2026-08-31", "", ""])
    result = run("limitation", "l.csv", "-f", "json")
    today = date.today().isoformat()
    assert result.stderr.splitlines()[0] == (
        f"note: as of today, {today}: the ledger gives no date in its title row or file name; "
        "--as-of DATE to compute as of its own day"
    )
    dated = write_csv(tmp_path / "台账202610.csv", [HEADER, ["L1", "张", "A", "5", "2026-08-31",
                                                           "2026-08-31", "", ""]])  # fmt: skip
    named = run("limitation", dated, "-f", "json", "--lang", "zh")
    assert named.stderr.splitlines()[0] == (
        "提示：基准日取台账文件名所示日期 2026-10-31（“台账202610.csv”）；如需其他日期请用 --as-of"
    )


def test_load_takes_the_files_date_and_refuses_a_file_without_one(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "A", "50000", "2026-08-31", "2026-08-31", "", ""])
    undated = run("load", "l.csv")
    assert (undated.exit_code, undated.stderr) == (2, (
        "npl: error: l.csv: its title row and file name give no date, so the snapshot would "
        "have none; give --as-of DATE (the date the ledger is of, e.g. 2026-10-31)\n"))  # fmt: skip
    assert run("snapshots", "-f", "json").exit_code == 2  # nothing was stored: no workspace
    loaded = run("load", SAMPLE / "ledger.xlsx")
    assert loaded.stderr.splitlines()[0] == (
        "note: snapshot date 2026-10-31, as the file gives it "
        "('XX农村商业银行贷款台账（2026年10月末）')"
    )
    days = [s["as_of"] for s in json.loads(run("snapshots", "-f", "json").stdout)]
    assert days == ["2026-10-31"]


def test_the_same_content_under_a_second_date_is_refused_unless_forced(
    tmp_path: Path, run: Any
) -> None:
    ledger(tmp_path, ["L1", "张三", "A", "50000", "2026-08-31", "2026-08-31", "", ""])
    assert run("load", "l.csv", "--as-of", "2026-10-31").exit_code == 0
    again = run("load", "l.csv", "--as-of", "2026-11-30")
    assert (again.exit_code, again.stderr) == (2, (
        "npl: error: l.csv: this very file is stored already as the snapshot of 2026-10-31; "
        "under a second date the same loans would count twice (in roll rates, trends). Give "
        "--force to store it anyway, or `npl snapshots drop 2026-10-31` first\n"))  # fmt: skip
    same = run("load", "l.csv", "--as-of", "2026-10-31")
    assert same.stderr == "l.csv is already the snapshot of 2026-10-31; nothing changed\n"
    assert run("load", "l.csv", "--as-of", "2026-11-30", "--force").exit_code == 0
    days = [s["as_of"] for s in json.loads(run("snapshots", "-f", "json").stdout)]
    assert days == ["2026-10-31", "2026-11-30"]


def test_next_step_and_follow_up_columns_in_the_csv(tmp_path: Path, run: Any) -> None:
    """Appended after the collector columns, so that scripts reading the old ones keep working."""
    ledger(tmp_path, ["L1", "张三", "A", "50000", "2024-01-31", "2024-01-31", "", "郑涛"])
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "csv", "--lang", "en")
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert list(row)[-7:] == [
        "stage", "next_step", "last_action", "last_action_date",
        "open_promise_date", "open_promise_amount", "open_promise_method",
    ]  # fmt: skip
    # the claim runs out 2027-01-31, a Sunday: act by Friday the 29th
    assert row["next_step"] == (
        "officer 郑涛: deliver a written demand to the borrower by 2027-01-29 and bring back the "
        "signed receipt (or the borrower's signed acknowledgment)"
    )
