"""`npl limitation`, `npl triage` and `npl history` give the same deadline for the same loan, on
the DOMAIN.md §3 worked examples, from the file and from the workspace, with the user's own
evidence words (one engine, one settings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv

AS_OF = "2026-11-30"
HEADER = ["借据号", "借款人", "贷款余额", "到期日", "最后还款日", "最近催收日", "送达情况",
          "联系状态", "保证人", "保证方式", "保证合同签订日", "保证期间", "向保证人主张日",
          "起诉日期", "判决生效日", "履行期限届满日", "申请执行日"]  # fmt: skip
EXAMPLES = [
    # loan, borrower, due, last payment, last demand, its evidence, contact
    ["E1", "甲一", "2020-01-10", "", "", "", ""],
    ["E2", "甲二", "2021-03-15", "2022-08-20", "", "", ""],
    ["E3", "甲三", "2022-06-30", "", "2024-11-05", "本人签收", ""],
    ["E4", "甲四", "2022-06-30", "", "2024-11-05", "退回", ""],
    ["E5", "甲五", "2023-11-28", "", "", "", ""],
    ["E6", "甲六", "2022-06-30", "", "2024-11-05", "登报公告", "正常"],
    ["E7", "甲七", "2019-01-10", "", "2024-05-06", "借款人在催收通知书上签字", ""],
    ["E8", "甲八", "2026-03-31", "", "", "", ""],
    ["E9", "甲九", "2023-05-31", "", "", "", ""],
    ["E10", "甲十", "2023-05-31", "", "", "", ""],
    ["E11", "乙一", "2023-01-31", "", "", "", ""],
    ["E12", "乙二", "2015-06-01", "", "", "", ""],
    ["E13", "乙三", "2016-03-01", "", "", "", ""],
    ["E14", "乙四", "2014-03-01", "", "2016-05-10", "签收", ""],
    ["E15", "乙五", "2014-06-30", "2016-05-20", "2019-03-01", "签收", ""],
    ["E16", "乙六", "2020-06-30", "", "", "", ""],
    ["E17", "乙七", "2023-08-31", "", "", "", ""],
    ["E18", "乙八", "2021-08-31", "", "", "", ""],
]
GUARANTEES = {  # guarantor, mode, signed, period, demanded, sued, judgment, performance, applied
    "E8": ["丙八", "连带责任保证", "2023-04-01", "至2027年3月31日", "", "", "", "", ""],
    "E9": ["丙九", "一般保证", "2022-03-01", "", "", "2023-10-10", "", "", "2024-06-03"],
    "E10": ["丙十", "连带责任保证", "2022-03-01", "", "2023-09-01", "", "", "", ""],
    "E11": ["", "", "", "", "", "", "2024-03-08", "2024-03-18", ""],
    "E16": ["丙十六", "连带责任保证", "2019-05-01", "直至本息还清", "", "", "", "", ""],
    "E17": ["丙十七", "连带责任保证", "2022-03-01", "", "", "", "", "", ""],
    "E18": ["丙十八", "连带责任保证", "2020-03-01", "", "", "", "", "", ""],
}
EXPECTED = {  # (loan, kind, party): (deadline, status, last_day) — DOMAIN.md §3
    ("E1", "claim_limitation", "甲一"): ("2023-01-10", "expired", "2023-01-10"),
    ("E2", "claim_limitation", "甲二"): ("2025-08-20", "expired", "2025-08-20"),
    ("E3", "claim_limitation", "甲三"): ("2027-11-05", "ok", "2027-11-05"),
    ("E4", "claim_limitation", "甲四"): ("2025-06-30", "expired", "2025-06-30"),
    ("E5", "claim_limitation", "甲五"): ("2026-11-28", "due", "2026-11-30"),
    ("E6", "claim_limitation", "甲六"): ("2025-06-30", "expired", "2025-06-30"),
    ("E7", "claim_limitation", "甲七"): ("2027-05-06", "ok", "2027-05-06"),
    ("E8", "claim_limitation", "甲八"): ("2029-03-31", "ok", "2029-04-02"),
    ("E8", "guarantee_period", "丙八"): ("2027-03-31", "ok", "2027-03-31"),
    ("E9", "claim_limitation", "甲九"): (None, "in_litigation", None),
    ("E9", "guarantee_period", "丙九"): ("2023-11-30", "met", "2023-11-30"),
    ("E9", "guarantee_limitation", "丙九"): ("2028-06-03", "ok", "2028-06-05"),
    ("E10", "claim_limitation", "甲十"): ("2026-05-31", "expired", "2026-06-01"),
    ("E10", "guarantee_period", "丙十"): ("2023-11-30", "met", "2023-11-30"),
    ("E10", "guarantee_limitation", "丙十"): ("2026-09-01", "expired", "2026-09-01"),
    ("E11", "claim_limitation", "乙一"): (None, "met", None),
    ("E11", "enforcement", "乙一"): ("2026-03-18", "expired", "2026-03-18"),
    ("E12", "claim_limitation", "乙二"): ("2017-06-01", "expired", "2017-06-01"),
    ("E13", "claim_limitation", "乙三"): ("2019-03-01", "expired", "2019-03-01"),
    ("E14", "claim_limitation", "乙四"): ("2016-03-01", "expired", "2016-03-01"),
    ("E15", "claim_limitation", "乙五"): ("2022-03-01", "expired", "2022-03-01"),
    ("E16", "claim_limitation", "乙六"): ("2023-06-30", "expired", "2023-06-30"),
    ("E16", "guarantee_period", "丙十六"): ("2022-06-30", "expired", "2022-06-30"),
    ("E17", "claim_limitation", "乙七"): ("2026-08-31", "expired", "2026-08-31"),
    ("E17", "guarantee_period", "丙十七"): ("2024-02-29", "expired", "2024-02-29"),
    ("E18", "claim_limitation", "乙八"): ("2024-08-31", "expired", "2024-09-02"),
    ("E18", "guarantee_period", "丙十八"): ("2022-02-28", "expired", "2022-02-28"),
}


def write_examples(folder: Path) -> Path:
    rows = []
    for loan, name, due, paid, demanded, evidence, contact in EXAMPLES:
        guarantee = GUARANTEES.get(loan, [""] * 9)
        rows.append([loan, name, "10000", due, paid, demanded, evidence, contact, *guarantee])
    return write_csv(folder / "examples.csv", [HEADER, *rows])


def by_key(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    return {
        (r["loan_id"], r["kind"], r["party"]): (
            r["deadline"] and r["deadline"][:10],
            r["status"],
            r["last_day"] and r["last_day"][:10],
            r["basis"],
        )
        for r in rows
    }


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ws.duckdb"
    monkeypatch.setenv("NPL_WORKSPACE", str(path))
    return path


def limitation_rows(run: Any, *source: str) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    result = run("limitation", *source, "--as-of", AS_OF, "--all", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return by_key(json.loads(result.stdout))


def test_limitation_triage_and_history_agree_on_every_worked_example(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    write_examples(tmp_path)
    from_file = limitation_rows(run, "examples.csv")
    assert {key: value[:3] for key, value in from_file.items()} == EXPECTED
    assert from_file[("E7", "claim_limitation", "甲七")][3].startswith("revived 2024-05-06")
    assert run("load", "examples.csv", "--as-of", AS_OF).exit_code == 0
    assert limitation_rows(run) == from_file  # from the workspace's snapshot
    for loan in sorted({key[0] for key in EXPECTED}):
        result = run("history", loan, "--as-of", AS_OF, "-f", "json")
        assert result.exit_code == 0, result.stderr
        now = [r for r in json.loads(result.stdout)["deadlines"] if r["moment"].startswith("now")]
        assert by_key(now) == {k: v for k, v in from_file.items() if k[0] == loan}
    worklist = run("triage", "examples.csv", "--as-of", AS_OF, "--by", "loan", "-f", "json")
    assert worklist.exit_code == 0, worklist.stderr
    nearest = {r["loan_id"]: r["next_deadline"] for r in json.loads(worklist.stdout)}
    for loan in nearest:
        live = [v[0] for k, v in from_file.items() if k[0] == loan and v[1] in ("due", "ok")]
        assert (nearest[loan] or "")[:10] == (min(live) if live else ""), loan


def test_the_users_evidence_words_reach_every_command(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    """A delivery word of the user's own ("妥投") interrupts in limitation and in history
    alike (history used to compute with the packaged defaults)."""
    (tmp_path / "npl.toml").write_text(
        '[deadlines]\ndelivered_words = ["妥投"]\n', encoding="utf-8"
    )
    write_csv(
        tmp_path / "one.csv",
        [HEADER[:7], ["U1", "丁一", "5000", "2022-06-30", "", "2024-11-05", "EMS妥投"]],
    )
    expected = ("2027-11-05", "ok", "2027-11-05", "demand 2024-11-05")
    rows = limitation_rows(run, "one.csv")
    assert rows == {("U1", "claim_limitation", "丁一"): expected}
    assert run("load", "one.csv", "--as-of", AS_OF).exit_code == 0
    result = run("history", "U1", "--as-of", AS_OF, "-f", "json")
    now = [r for r in json.loads(result.stdout)["deadlines"] if r["moment"].startswith("now")]
    assert by_key(now) == rows


@pytest.mark.parametrize("how", ["add", "import"])
def test_a_recorded_ruling_ending_enforcement_starts_the_general_guarantors_limitation(
    tmp_path: Path, run: Any, workspace: Path, how: str
) -> None:
    """法释〔2020〕28号 Art 28: the served ruling (终本) starts it when earlier than one year
    after acceptance; the action log carries it (enforcement_ended, 终结执行/终本)."""
    write_examples(tmp_path)
    assert run("load", "examples.csv", "--as-of", AS_OF).exit_code == 0
    if how == "add":
        added = run("action", "add", "E9", "enforcement_ended", "--date", "2024-12-20")
    else:
        write_csv(tmp_path / "a.csv", [["借据号", "动作", "日期"], ["E9", "终本", "2024-12-20"]])
        added = run("action", "import", "a.csv")
    assert added.exit_code == 0, added.stderr
    rows = limitation_rows(run)
    assert rows[("E9", "guarantee_limitation", "丙九")] == (
        "2027-12-20",
        "ok",
        "2027-12-20",
        "ruling ending enforcement against the debtor served 2024-12-20",
    )
