"""The worklist and deadline workbooks are handed out as they are: a summary first, the list
with a totals row, the rejected rows when there are any, a legend; print-ready; in --lang."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parents[2]
LEDGER = str(ROOT / "sample_data" / "ledger.xlsx")

# 3 loans, one rejected (no balance), two debtors; 张三 ¥5,000 at M6+ (loss), 李四 ¥2,000.50
# at M1 (special mention), both with officer 郑涛
ROWS = [
    ["借据号", "借款人", "贷款余额", "到期日", "逾期起始日", "客户经理", "保证人"],
    ["L1", "张三", "5000", "2024-01-31", "2024-01-31", "郑涛", "王五"],
    ["L2", "李四", "2000.50", "2026-11-10", "2026-11-10", "郑涛", ""],
    ["L3", "赵六", "不详", "2026-11-10", "2026-11-10", "郑涛", ""],
]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "small.csv", ROWS)


@pytest.mark.parametrize(
    ("lang", "sheets"),
    [
        ("zh", ["汇总", "清收清单", "剔除行", "说明"]),
        ("en", ["summary", "worklist", "rejects", "legend"]),
    ],
)
def test_the_worklist_book_has_summary_list_rejects_and_legend(
    small: Path, tmp_path: Path, run: Any, lang: str, sheets: list[str]
) -> None:
    result = run("triage", small, "--as-of", "2026-11-30", "--lang", lang, "-o", "w.xlsx")
    assert result.exit_code == 0, result.stderr
    book = load_workbook(tmp_path / "w.xlsx")
    assert book.sheetnames == sheets
    summary = {row[0]: row[1:] for row in book[sheets[0]].iter_rows(values_only=True)}
    if lang == "zh":
        assert summary["读入行数"] == (3, None)
        assert summary["  采用"] == (2, None)
        assert summary["  剔除"] == (1, None)
        assert summary["清单户数"] == (2, 7000.5)
        assert summary["其中不良（次级、可疑、损失）"] == (None, 5000)
        assert summary["  损失"] == (1, 5000)
        assert summary["  关注"] == (1, 2000.5)
        assert summary["  郑涛"] == (2, 7000.5)
    else:
        assert summary["debtors listed"] == (2, 7000.5)
        assert summary["  loss"] == (1, 5000)
    listed = list(book[sheets[1]].iter_rows(values_only=True))
    assert len(listed) == 1 + 2 + 1  # header, two debtors, the totals row
    header, total = listed[0], listed[-1]
    assert total[0] == ("合计" if lang == "zh" else "total")
    assert total[header.index("余额" if lang == "zh" else "balance")] == 7000.5
    assert total[header.index("笔数" if lang == "zh" else "loans")] == 2
    rejected = list(book[sheets[2]].iter_rows(values_only=True))
    assert rejected[1][1:4] == ("4", "贷款余额", "不详")  # row 4, the balance it could not read
    legend = list(book[sheets[3]].iter_rows(values_only=True))
    assert len(legend) == 1 + 18  # every tactic of the method
    by_code = {row[0]: row for row in legend[1:]}
    if lang == "zh":
        assert by_code["court_blacklist"][1] == "公布黑名单"
        assert "失信被执行人名单" in by_code["court_blacklist"][2]
    else:
        assert "PIPL Art 25" in by_code["court_blacklist"][2]


def test_every_sheet_prints_landscape_one_page_wide_with_the_header_repeated(
    small: Path, tmp_path: Path, run: Any
) -> None:
    assert run("triage", small, "--as-of", "2026-11-30", "-o", "w.xlsx").exit_code == 0
    book = load_workbook(tmp_path / "w.xlsx")
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        # one page wide (Excel's default width of 1 is left unwritten), any number down
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$1"
    worklist = book["worklist"]
    header = [cell.value for cell in worklist[1]]
    reasons = worklist.cell(row=2, column=header.index("reasons") + 1)
    assert reasons.alignment.wrap_text is True


@pytest.mark.parametrize(("lang", "legend"), [("zh", "说明"), ("en", "legend")])
def test_the_deadline_book_sums_up_by_status_and_explains_kinds_and_statuses(
    small: Path, tmp_path: Path, run: Any, lang: str, legend: str
) -> None:
    result = run("limitation", small, "--as-of", "2026-11-30", "--lang", lang, "-o", "d.xlsx")
    assert result.exit_code == 0, result.stderr
    counts = json.loads(run("limitation", small, "--as-of", "2026-11-30", "-f", "json").stdout)
    book = load_workbook(tmp_path / "d.xlsx")
    first = book.worksheets[0]
    summary = {row[0]: row[1] for row in first.iter_rows(values_only=True)}
    listed = "清单中期限数" if lang == "zh" else "deadlines listed"
    assert summary[listed] == len(counts["rows"] if isinstance(counts, dict) else counts)
    rows = list(book[legend].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [
        "claim_limitation", "guarantee_period", "guarantee_limitation", "enforcement",
        "expired", "due", "ok", "in_litigation", "met", "not_started",
    ]  # fmt: skip
