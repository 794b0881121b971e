"""npl triage: ranking by legal urgency, tactics, masking, safe exports, the golden worklist."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len

from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
HEADER = ["借据号", "借款人", "证件号码", "贷款余额", "到期日", "逾期起始日", "联系状态",
          "逾期原因", "保证人", "抵押物", "判决生效日", "民族"]  # fmt: skip


def ledger(tmp_path: Path, *rows: list[str]) -> Path:
    return write_csv(tmp_path / "l.csv", [HEADER, *rows])


def worklist(run: Any, *args: str) -> list[dict[str, Any]]:
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "json", "--lang", "zh", *args)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_a_deadline_within_30_days_outranks_any_balance(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        # tiny balance, claim limitation ends in 20 days
        ["L1", "张三", "", "1000", "2023-12-20", "2023-12-20", "正常", "", "", "", "", ""],
        # huge balance, secured and guaranteed, nothing due within 180 days
        [
            "L2",
            "大户公司",
            "",
            "90000000",
            "2026-04-01",
            "2026-04-01",
            "正常",
            "",
            "王五",
            "厂房",
            "",
            "",
        ],
    )
    rows = worklist(run)
    assert [(r["debtor_name"], r["days_left"]) for r in rows] == [("张三", 20), ("大户公司", 853)]
    # no repayment column: "no payment for 180 days" cannot be established, so a survey
    assert rows[0]["reasons"] == (
        "诉讼时效剩余20天；余额¥1,000；逾期1076天（M6+）；待调研：数据不足以判断类型，需实地调查"
    )
    assert rows[0]["next_deadline"] == "2026-12-20"
    assert rows[0]["next_deadline_kind"] == "claim_limitation"


def test_ties_are_broken_deterministically(tmp_path: Path, run: Any) -> None:
    same = ["1000", "2026-11-01", "2026-11-01", "正常", "", "", "", "", ""]
    ledger(tmp_path, ["L2", "乙", "B", *same], ["L1", "甲", "A", *same], ["L3", "丙", "C", *same])
    rows = worklist(run)
    assert [r["debtor_id"] for r in rows] == ["B", "A", "C"]  # ledger order
    assert len({r["priority"] for r in rows}) == 1


def test_tactics_follow_conditions_and_blacklist_needs_a_judgment(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        ["L1", "甲", "A", "1000", "2026-09-01", "2026-09-01", "失联", "", "王五", "住宅", "", ""],
        [
            "L2",
            "乙",
            "B",
            "1000",
            "2024-01-01",
            "2024-01-01",
            "正常",
            "经营困难",
            "",
            "",
            "2025-03-01",
            "回族",
        ],
    )
    rows = {r["debtor_id"]: r for r in worklist(run)}
    assert rows["A"]["debtor_type"] == "malicious"
    assert rows["A"]["tactics"] == (
        "team_visit;institutional;info_capture;pursue_guarantor;collateral_pressure;sue"
    )
    assert rows["B"]["debtor_type"] == "hardship"
    assert rows["B"]["tactics"] == (
        "help_collect;give_advice;firm_and_flexible;installments;court_blacklist"
    )
    assert rows["B"]["reasons"].endswith(  # B's judgment puts the case at that stage
        "少数民族客户：尊重宗教与风俗禁忌；失信名单只能经法院公布，银行不得自行公布（个人信息保护法第25条）"
        "；阶段：已判决"
    )
    assert "court_blacklist" not in rows["A"]["tactics"]


def test_filters_and_footer_counts(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        ["L1", "甲", "A", "1000", "2026-09-01", "2026-09-01", "失联", "", "", "", "", ""],
        ["L2", "乙", "B", "50000", "2026-09-01", "2026-09-01", "正常", "经营困难", "", "", "", ""],
        ["L3", "丙", "C", "50000", "2027-09-01", "", "正常", "", "", "", "", ""],
    )
    assert [r["debtor_id"] for r in worklist(run, "--type", "hardship")] == ["B"]
    assert [r["debtor_id"] for r in worklist(run, "--min-balance", "10000")] == ["B"]
    assert [r["debtor_id"] for r in worklist(run, "--include-current")] == ["B", "C", "A"]
    table = run(
        "triage", "l.csv", "--as-of", "2026-11-30", "--lang", "en", "--min-balance", "10000"
    )
    assert (
        "rows kept: all 3 → overdue, a deadline or a promise due 2 → balance ≥ 10,000 1"
        in table.stdout
    )


def test_by_loan_has_the_loans_own_columns(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        ["L1", "甲", "A", "1000", "2026-09-01", "2026-09-01", "正常", "", "", "", "", ""],
        ["L2", "甲", "A", "2000", "2026-05-01", "2026-05-01", "正常", "", "", "", "", ""],
    )
    rows = worklist(run, "--by", "loan")
    # neither has a deadline within 180 days: the earlier band cures best and ranks first
    assert [(r["loan_id"], r["dpd"], r["band"], r["risk_class"], r["loans"]) for r in rows] == [
        ("L1", 90, "M3", "special_mention", 2),
        ("L2", 213, "M6+", "substandard", 2),
    ]
    debtor = worklist(run)
    assert [(r["loans"], r["balance"], r["dpd"]) for r in debtor] == [(2, 3000.0, 213)]


def test_screen_masks_personal_data(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        [
            "L1",
            "张三丰",
            "11010519491231002X",
            "1000",
            "2026-09-01",
            "2026-09-01",
            "正常",
            "",
            "",
            "",
            "",
            "",
        ],
    )
    masked = run("triage", "l.csv", "--as-of", "2026-11-30", "--lang", "zh")
    assert "张*丰" in masked.stdout and "110105********002X" in masked.stdout
    assert "张三丰" not in masked.stdout and "11010519491231002X" not in masked.stdout
    plain = run("triage", "l.csv", "--as-of", "2026-11-30", "--lang", "zh", "--no-mask")
    assert "张三丰" in plain.stdout and "11010519491231002X" in plain.stdout


def test_exports_never_carry_formulas(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path,
        [
            "L1",
            '=HYPERLINK("http://x","y")',
            "",
            "1000",
            "2026-09-01",
            "2026-09-01",
            "@SUM(A1)",
            "",
            "",
            "",
            "",
            "",
        ],
    )
    out = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows[0]["debtor_name"] == '\'=HYPERLINK("http://x","y")'
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "xlsx", "-o", "w.xlsx",
                 "--lang", "en")  # fmt: skip
    assert result.exit_code == 0
    sheet = load_workbook(tmp_path / "w.xlsx")["worklist"]
    headers = [c.value for c in sheet[1]]  # a workbook speaks words, not codes
    cell = sheet.cell(row=2, column=headers.index("debtor name") + 1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:AF2"  # 32 columns: A to AF
    balance = sheet.cell(row=2, column=headers.index("balance") + 1)
    assert (balance.value, balance.number_format) == (1000, "#,##0.00")
    deadline = sheet.cell(row=2, column=headers.index("next deadline") + 1)
    assert (str(deadline.value.date()), deadline.number_format) == ("2029-09-01", "yyyy-mm-dd")


def test_json_goes_to_stdout_messages_to_stderr(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "甲", "A", "1000", "2026-09-01", "2026-09-01", "", "", "", "", "", ""])
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "json")
    assert json.loads(result.stdout)[0]["debtor_id"] == "A"
    assert result.stderr.splitlines()[0] == "as of 2026-11-30: 1 debtor ranked from 1 loan"


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        ([], "triage_sample.csv"),
        (["--by", "loan"], "triage_sample_by_loan.csv"),
    ],
)
def test_golden_worklist_for_the_sample_ledger(run: Any, args: list[str], golden: str) -> None:
    result = run(
        "triage",
        str(ROOT / "sample_data" / "ledger.xlsx"),
        "--as-of",
        "2026-10-31",
        "--lang",
        "zh",
        "-f",
        "csv",
        *args,
    )
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")


def test_rules_show_and_check(tmp_path: Path, run: Any) -> None:
    shown = run("rules", "show")
    assert "lost_contact" in shown.stdout and "first_short_overdue" in shown.stdout
    (tmp_path / "r.toml").write_text(
        '[[rules]]\nname = "x"\ntype = "malicious"\n'
        'when = { field = "contact_state", contains_any = ["失联"] }\n',
        encoding="utf-8",
    )
    bad = run("rules", "check", "r.toml")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "npl: error: r.toml: rule 'x': unknown field 'contact_state'; "
        "did you mean 'contact_status'?\n"
    )
    (tmp_path / "ok.toml").write_text(
        '[[rules]]\nname = "x"\ntype = "malicious"\nwhen = { field = "dpd", gt = 720 }\n',
        encoding="utf-8",
    )
    assert run("rules", "check", "ok.toml").stdout == "ok.toml: 1 rules and 0 warning rules OK\n"


def test_user_rules_come_first(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path, ["L1", "甲", "A", "1000", "2026-09-01", "2026-09-01", "失联", "", "", "", "", ""]
    )
    (tmp_path / "r.toml").write_text(
        '[[rules]]\nname = "old_debt"\ntype = "irresponsible"\nwhen = { field = "dpd", gt = 60 }\n',
        encoding="utf-8",
    )
    rows = worklist(run, "--rules", "r.toml")
    assert (rows[0]["debtor_type"], rows[0]["rule"]) == ("irresponsible", "old_debt")


def test_court_blacklist_in_a_type_list_is_a_config_error(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "甲", "A", "1000", "2026-09-01", "2026-09-01", "", "", "", "", "", ""])
    (tmp_path / "npl.toml").write_text(
        '[tactics]\nmalicious = ["court_blacklist"]\n', encoding="utf-8"
    )
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "json")
    assert result.exit_code == 2
    assert result.stderr == (
        "npl: error: tactics.malicious: court_blacklist is only offered after a judgment "
        "(through the court's defaulter list); list it under tactics.when.after_judgment only\n"
    )


def test_a_narrow_terminal_gets_cards_with_every_value_whole(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # a laptop terminal: the table would fold ids and sums
    result = run(
        "triage", str(ROOT / "sample_data" / "ledger.xlsx"), "--as-of", "2026-10-31",
        "--lang", "en", "--top", "1",
    )  # fmt: skip
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:5] == [
        "worklist as of 2026-10-31: top 1 of 78 debtors",
        "1 高*  320102********4590",
        "  balance: 127,589 · loans: 2 · dpd: 1062 · band: M6+",
        "  risk class: loss · debtor type: irresponsible · priority: 10,643.6",
        "  next deadline kind: guarantee period · days left: 17",
    ]
    assert all(len(line) <= 80 for line in lines)


def test_unreadable_cells_are_counted_in_a_note(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "", "1000", "2023-13-45", "", "正常", "", "", "", "", ""])
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "json")
    assert result.exit_code == 0
    assert (
        "note: 1 cell could not be read (a date, amount or count) and left empty; "
        "`npl inspect l.csv` lists them by row and column"
    ) in result.stderr.splitlines()


def test_the_output_suffix_picks_the_format_when_none_is_given(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "", "1000", "2023-12-20", "2023-12-20", "正常", "", "", "", "",
                      ""])  # fmt: skip
    assert run("triage", "l.csv", "--as-of", "2026-11-30", "-o", "清单.xlsx").exit_code == 0
    assert load_workbook(tmp_path / "清单.xlsx")["worklist"]["C2"].value == "张三"
    assert run("triage", "l.csv", "--as-of", "2026-11-30", "-o", "w.json").exit_code == 0
    assert json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))[0]["debtor_name"] == "张三"
    assert run("triage", "l.csv", "--as-of", "2026-11-30", "-o", "w.txt").exit_code == 0
    # a CSV file is UTF-8 with a BOM (Excel shows its Chinese); on stdout it is plain UTF-8
    assert (tmp_path / "w.txt").read_text(encoding="utf-8").startswith('\ufeff"rank","debtor_id"')
    for encoding, head in (("utf-8", b'"rank"'), ("gb18030", b'"rank"')):
        run("triage", "l.csv", "--as-of", "2026-11-30", "-o", "e.csv",
            "--output-encoding", encoding)  # fmt: skip
        data = (tmp_path / "e.csv").read_bytes()
        assert data.startswith(head) and "张三".encode(encoding) in data
    inspected = run("inspect", "l.csv", "-o", "i.csv")
    assert (inspected.exit_code, inspected.stderr) == (
        2,
        "npl: error: --format csv: this command writes table or json\n",
    )


def test_a_chinese_worklist_is_a_table_when_the_terminal_is_wide_enough(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chinese sentences have no spaces to wrap at; the table must not be judged by them.
    monkeypatch.setenv("COLUMNS", "220")
    result = run(
        "triage", str(ROOT / "sample_data" / "ledger.xlsx"), "--as-of", "2026-10-31",
        "--lang", "zh", "--top", "3",
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0].rstrip() == "清收清单（2026-10-31）：共 78 户，列出前 3"
    assert lines[2].split("┃")[1:4] == [" 序号 ", " 借款人 ", " 证件号码           "]
    assert max(cell_len(line.rstrip()) for line in lines) <= 220  # CJK takes two cells


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 200, 250])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_id_or_amount_is_split_at_any_width(
    run: Any, monkeypatch: pytest.MonkeyPatch, width: int, lang: str
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    args = ["triage", str(ROOT / "sample_data" / "ledger.xlsx"), "--as-of", "2026-10-31",
            "--lang", lang, "--no-mask", "--top", "10"]  # fmt: skip
    screen = run(*args).stdout
    rows = json.loads(run(*args, "-f", "json").stdout)
    assert len(rows) == 10
    for row in rows:
        for whole in (row["debtor_id"], f"{row['balance']:,.0f}"):
            assert whole in screen, (width, whole)


def test_files_carry_what_a_collector_needs_in_full(tmp_path: Path, run: Any) -> None:
    """Appended after the columns scripts read: officer, branch, phone, address, guarantors,
    and the act-by date of the next deadline (2027-01-31 is a Sunday: act by Friday the 29th)."""
    write_csv(
        tmp_path / "l.csv",
        [
            ["借据号", "借款人", "贷款余额", "到期日", "逾期起始日", "客户经理", "经办机构",
             "联系电话", "地址", "保证人"],
            ["L1", "张三", "5000", "2024-01-31", "2024-01-31", "郑涛", "河口支行",
             "13912345678", "青山乡柳树村3组12号", "李四、王五"],
        ],
    )  # fmt: skip
    result = run("triage", "l.csv", "--as-of", "2026-11-30", "-f", "json")
    row = json.loads(result.stdout)[0]
    tail = {k: row[k] for k in ("officer", "branch", "phone", "address", "guarantors")}
    assert tail == {"officer": "郑涛", "branch": "河口支行", "phone": "13912345678",
                    "address": "青山乡柳树村3组12号", "guarantors": "李四、王五"}  # fmt: skip
    assert (row["next_deadline"], row["next_act_by"]) == ("2027-01-31", "2027-01-29")
    collector = ["officer", "branch", "phone", "address", "guarantors", "next_act_by"]
    assert list(row)[-13:-7] == collector  # after them: the seven follow-up columns


# the golden worklist's first row (高娜: loss, irresponsible, not under-classified), in words
@pytest.mark.parametrize(
    ("lang", "sheet", "expected"),
    [
        ("zh", "清收清单", {"借款人": "高娜", "五级分类下限": "损失", "客户类型": "不负责任型",
                           "应调未调": "否", "账龄": "M6+", "期限类型": "保证期间",
                           "策略": "主动出击；多方参与；黑白脸；领导出面；刚柔相济；追究保证责任；"
                                   "公布黑名单；依法起诉"}),
        ("en", "worklist", {"debtor name": "高娜", "risk class": "loss",
                           "debtor type": "irresponsible", "under classified": "no",
                           "band": "M6+", "next deadline kind": "guarantee period",
                           "tactics": "take the initiative; involve other parties; good cop, "
                                      "bad cop; senior visit; firm and flexible; pursue "
                                      "guarantor; court defaulter list; sue"}),
    ],
)  # fmt: skip
def test_the_worklist_workbook_speaks_the_language(
    tmp_path: Path, run: Any, lang: str, sheet: str, expected: dict[str, str]
) -> None:
    """xlsx headers and coded values in --lang words (bands stay M3); CSV keeps the codes."""
    result = run("triage", str(ROOT / "sample_data" / "ledger.xlsx"), "--as-of", "2026-10-31",
                 "--lang", lang, "-o", "w.xlsx")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    book = load_workbook(tmp_path / "w.xlsx")
    assert book.sheetnames[1] == sheet
    rows = list(book[sheet].iter_rows(values_only=True))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert {key: first[key] for key in expected} == expected
