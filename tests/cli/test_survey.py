"""The survey loop end to end (plan, forms out, answers back, types follow) and the visit plan,
on a ledger with one clustered region and one scattered one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from tests.conftest import write_csv

HEADER = ["借据号", "借款人", "证件号码", "贷款余额", "到期日", "逾期起始日", "地区", "地址",
          "客户经理", "客户类型", "民族"]  # fmt: skip
# 城关镇: five of 甲's debtors in 一村 and one in 二村 (6 per 2 places: clustered at 3);
# 白沙镇: 乙's three debtors in three villages (1 per place: scattered). 60 days overdue and
# nothing else known: every one is unclassified until surveyed.
DEBTORS = [
    ("A1", 500_000, "城关镇", "城关镇一村1号", "甲"),
    ("A2", 400_000, "城关镇", "城关镇一村2号", "甲"),
    ("A3", 300_000, "城关镇", "城关镇一村3号", "甲"),
    ("A4", 200_000, "城关镇", "城关镇一村4号", "甲"),
    ("A5", 100_000, "城关镇", "城关镇一村5号", "甲"),
    ("A6", 50_000, "城关镇", "城关镇二村1号", "甲"),
    ("B1", 40_000, "白沙镇", "白沙镇东村", "乙"),
    ("B2", 30_000, "白沙镇", "白沙镇西村", "乙"),
    ("B3", 20_000, "白沙镇", "白沙镇南村", "乙"),
]


def ledger(tmp_path: Path) -> Path:
    rows = [
        [f"L{d}", f"户{d}", d, balance, "2028-01-31", "2026-10-01", region, address, officer,
         "个人", "回族" if d == "B3" else "汉族"]
        for d, balance, region, address, officer in DEBTORS
    ]  # fmt: skip
    return write_csv(tmp_path / "台账-2026-11.csv", [HEADER, *rows])


def test_the_plan_ranks_regions_and_marks_clustered_and_scattered(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path)
    made = run("survey", "plan", "台账-2026-11.csv", "--per-officer", "4", "-f", "json")
    assert made.exit_code == 0, made.stderr
    plan = json.loads(made.stdout)
    assert (plan["as_of"], plan["debtors"], plan["to_survey"], plan["minority"]) == (
        "2026-11-30", 9, 7, 1,
    )  # fmt: skip
    regions = [(r["region"], r["debtors"], r["places"], r["debtors_per_place"], r["clustered"])
               for r in plan["regions"]]  # fmt: skip
    assert regions == [("城关镇", 6, 2, 3.0, True), ("白沙镇", 3, 3, 1.0, False)]
    # four of 甲's six (all unclassified: by priority, the larger balances), all three of 乙's
    picked = [(s["officer"], s["order"], s["debtor_id"], s["place"], s["clustered"])
              for s in plan["selected"]]  # fmt: skip
    assert picked == [
        ("乙", 1, "B1", "白沙镇东村", "scattered"),
        ("乙", 2, "B2", "白沙镇西村", "scattered"),
        ("乙", 3, "B3", "白沙镇南村", "scattered"),
        ("甲", 1, "A1", "城关镇一村", "clustered"),
        ("甲", 2, "A2", "城关镇一村", "clustered"),
        ("甲", 3, "A3", "城关镇一村", "clustered"),
        ("甲", 4, "A4", "城关镇一村", "clustered"),
    ]
    assert [(o["officer"], o["debtors"], o["unclassified"], o["selected"])
            for o in plan["officers"]] == [("乙", 3, 3, 3), ("甲", 6, 6, 4)]  # fmt: skip
    assert plan["bands"] == [{"band": "M2", "selected": 7, "balance": 1_490_000.0}]
    assert plan["selected"][3]["key"] == "2026-11-30|A1"
    assert plan["selected"][3]["loan_ids"] == "LA1"


def test_visits_go_together_where_debtors_cluster_and_phone_first_elsewhere(
    tmp_path: Path, run: Any
) -> None:
    ledger(tmp_path)
    made = run("visits", "台账-2026-11.csv", "--days", "2", "--per-day", "3", "-f", "json")
    assert made.exit_code == 0, made.stderr
    rows = json.loads(made.stdout)
    assert list(rows[0]) == ["day", "officer", "group", "order", "debtor_id", "debtor_name",
                             "address", "phone", "balance", "dpd", "debtor_type", "mode",
                             "purpose", "note"]  # fmt: skip
    plan = [(r["officer"], r["day"], r["order"], r["debtor_id"], r["group"], r["mode"])
            for r in rows]  # fmt: skip
    assert plan == [
        ("乙", 1, 1, "B1", "白沙镇东村", "phone_first"),
        ("乙", 1, 2, "B2", "白沙镇西村", "phone_first"),
        ("乙", 1, 3, "B3", "白沙镇南村", "phone_first"),
        # 一村 holds five of 甲's debtors: team_at (5) makes it a team visit, over two days
        ("甲", 1, 1, "A1", "城关镇一村", "team_visit"),
        ("甲", 1, 2, "A2", "城关镇一村", "team_visit"),
        ("甲", 1, 3, "A3", "城关镇一村", "team_visit"),
        ("甲", 2, 1, "A4", "城关镇一村", "team_visit"),
        ("甲", 2, 2, "A5", "城关镇一村", "team_visit"),
        ("甲", 2, 3, "A6", "城关镇二村", "phone_first"),
    ]
    by_id = {r["debtor_id"]: r for r in rows}
    assert by_id["A1"]["note"] == "5 debtors in this place together"
    assert by_id["B3"]["note"].startswith("minority customer: respect religious")
    assert by_id["A6"]["note"] is None
    assert by_id["A1"]["purpose"].startswith("bring the survey form and fill it in; ")
    written = run("visits", "台账-2026-11.csv", "-o", "走访.xlsx", "--lang", "zh")
    assert written.exit_code == 0, written.stderr
    book = load_workbook(tmp_path / "走访.xlsx")
    assert book.sheetnames == ["乙", "甲"]  # a sheet per officer
    header = [c.value for c in book["甲"][1]]
    assert header[:4] == ["第几天", "客户经理", "走访片区", "顺序"]
    assert book["甲"].cell(2, header.index("方式") + 1).value == "群体进攻（组队上门）"
    assert book["甲"].page_setup.orientation == "landscape"


ANSWER_COLUMNS = ["联系状态", "还款意愿", "还款能力", "逾期原因", "资产线索", "第三方协助",
                  "调查日期", "调查人", "备注"]  # fmt: skip


def test_forms_out_answers_back_and_the_types_follow(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path)
    assert run("load", "台账-2026-11.csv").exit_code == 0
    made = run("survey", "forms", "--per-officer", "4", "--as-of", "2026-11-30", "-o", "表")
    assert made.exit_code == 0, made.stderr
    assert "wrote 表/调研表-甲.xlsx: 4 debtors of 甲" in made.stderr
    path = tmp_path / "表" / "调研表-甲.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["调研表", "填表说明"]
    sheet = book["调研表"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "调研编号" and header[-9:] == ANSWER_COLUMNS
    assert header[1:4] == ["借款人", "证件号码", "联系电话"]
    assert sheet.column_dimensions["A"].hidden and sheet.protection.sheet
    assert sheet.cell(2, 1).value == "2026-11-30|A1" and sheet.cell(2, 2).value == "户A1"
    assert sheet.cell(2, 2).protection.locked  # what the bank knows is locked
    column = {name: index + 1 for index, name in enumerate(header)}
    assert not sheet.cell(2, column["还款意愿"]).protection.locked
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            lists[sheet.cell(1, cells.min_col).value] = (validation.type, validation.formula1)
    assert lists == {
        "联系状态": ("list", '"正常,失联,拒接,号码停机"'),
        "还款意愿": ("list", '"愿意,犹豫,拒绝"'),
        "还款能力": ("list", '"有能力,部分能力,无能力"'),
        "逾期原因": ("list", '"经营困难,疾病,失业,家庭变故,疏忽遗忘,恶意逃废,其他"'),
        "第三方协助": ("list", '"是,否"'),
        "调查日期": ("date", "36526"),  # after 2000-01-01
    }
    before = {
        r["debtor_id"]: r["debtor_type"]
        for r in json.loads(run("triage", "-f", "json", "--as-of", "2026-12-05").stdout)
    }
    assert set(before.values()) == {"unclassified"}  # fmt: skip

    def answer(row: int, **values: str) -> None:
        for name, value in values.items():
            sheet.cell(row, column[name]).value = value

    answer(
        2, 联系状态="正常", 还款意愿="愿意", 还款能力="有能力", 调查日期="2026-12-02", 调查人="甲"
    )
    answer(3, 还款意愿="拒绝", 还款能力="有能力", 资产线索="已变卖车辆", 调查日期="2026-12-02")
    answer(4, 还款意愿="愿意吧", 调查日期="2026-12-02")  # not one of the drop-down's values
    book.save(tmp_path / "甲-已填.xlsx")  # row 5 (A4) left empty: not surveyed yet
    imported = run("survey", "import", "甲-已填.xlsx", "--rejects", "bad.csv")
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.splitlines()[:2] == [
        "甲-已填.xlsx: rows read 4 = answered 2 + rejected 1 + not surveyed 1; answers added 2, "
        "already recorded 0",
        "  row 4, column 还款意愿: '愿意吧': 还款意愿 must be one of 愿意、犹豫、拒绝",
    ]
    assert (tmp_path / "bad.csv").read_text("utf-8-sig").splitlines() == [
        '"source_file","source_row","column","value","reason"',
        '"甲-已填.xlsx",4,"还款意愿","愿意吧","还款意愿 must be one of 愿意、犹豫、拒绝"',
    ]
    after = {r["debtor_id"]: r for r in
             json.loads(run("triage", "-f", "json", "--as-of", "2026-12-05").stdout)}  # fmt: skip
    assert (after["A1"]["debtor_type"], after["A1"]["rule"]) == (
        "accidental", "survey_willing_and_able",
    )  # fmt: skip
    assert after["A1"]["reasons"].endswith("surveyed 2026-12-02: willing, able")
    assert (after["A2"]["debtor_type"], after["A2"]["rule"]) == (
        "malicious", "survey_refuses_and_moves_assets_or_vanished",
    )  # fmt: skip
    assert after["A3"]["debtor_type"] == after["A4"]["debtor_type"] == "unclassified"
    # as of a day before the survey, it does not count yet
    earlier = json.loads(run("triage", "-f", "json", "--as-of", "2026-12-01").stdout)
    assert {r["debtor_type"] for r in earlier} == {"unclassified"}
    again = run("survey", "import", "甲-已填.xlsx", "--lang", "zh")
    assert again.stderr.splitlines()[:2] == [
        "甲-已填.xlsx：读入 4 行 = 有效答案 2 + 剔除 1 + 未调查 1；新增 0 条，已有 2 条",
        "  第 4 行“还款意愿”列：“愿意吧”：还款意愿只能填：愿意、犹豫、拒绝",
    ]


def test_a_file_that_is_not_a_form_is_refused(tmp_path: Path, run: Any) -> None:
    book = Workbook()
    book.active.append(["借款人", "还款意愿"])
    book.save(tmp_path / "x.xlsx")
    refused = run("survey", "import", "x.xlsx")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "npl: error: x.xlsx: sheet 'Sheet' lacks its 调研编号 (key) column; import a form "
        "written by npl survey forms, with its rows and columns as they were\n"
    )
