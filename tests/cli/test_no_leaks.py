"""No screen and no stderr line shows a full name, ID number or phone number unless --no-mask
asks for it: every command that prints, in both languages, on a ledger and an action log full
of personal data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_csv

NAMES = ["欧阳明华", "司马光远", "诸葛亮亮", "上官婉儿"]
IDS = ["11010519491231002X", "310104198001011234"]
PHONES = ["13912345678", "15087654321"]
SECRETS = [*NAMES, *IDS, *PHONES]
HEADER = ["借据号", "借款人", "证件号码", "联系电话", "地址", "贷款余额", "到期日", "逾期起始日",
          "保证人", "保证方式", "备注"]  # fmt: skip
ROWS = [
    ["L1", NAMES[0], IDS[0], PHONES[0], "青山乡柳树村3组12号", "50000", "2024-01-31",
     "2024-01-31", NAMES[2], "连带", f"{NAMES[0]}电话{PHONES[0]}"],
    ["L2", NAMES[1], IDS[1], PHONES[1], "城关镇解放路8号", "80000", "2025-06-30", "2025-06-30",
     NAMES[3], "连带", f"担保人{NAMES[3]}，身份证{IDS[1]}"],
    ["L3", NAMES[1], IDS[1], PHONES[1], "城关镇解放路8号", "oops", "2025-06-30", "",
     "", "", ""],  # rejected: its row is shown by inspect
]  # fmt: skip


@pytest.fixture
def desk(tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NPL_WORKSPACE", str(tmp_path / "ws.duckdb"))
    write_csv(tmp_path / "l.csv", [HEADER, *ROWS])
    (tmp_path / "bad.csv").write_text(
        ",".join(HEADER) + "\n" + f'L9,"{NAMES[0]},{IDS[0]},{PHONES[0]}\n', encoding="utf-8"
    )
    assert run("load", "l.csv", "--as-of", "2026-09-30").exit_code == 0
    assert run("load", "l.csv", "--as-of", "2026-10-31", "--force").exit_code == 0  # two months
    for args in (
        ["L1", "guarantor_demand", "--date", "2026-10-05", "--party", NAMES[2],
         "--evidence", "签收"],
        ["L2", "visit", "--date", "2026-10-06", "--note", f"见到{NAMES[1]}，新号码{PHONES[0]}"],
        ["L2", "guarantor_demand", "--date", "2026-10-07", "--party", "不认识的人欧阳"],
    ):  # fmt: skip
        assert run("action", "add", *args).exit_code == 0
    return tmp_path


SCREENS = [
    ["triage", "l.csv", "--as-of", "2026-11-30"],
    ["triage", "--as-of", "2026-11-30", "--by", "loan"],
    ["limitation", "l.csv", "--as-of", "2026-11-30", "--all"],
    ["limitation", "--as-of", "2026-11-30", "--all"],
    ["inspect", "l.csv"],
    ["inspect", "bad.csv"],
    ["history", "L1", "--as-of", "2026-11-30"],
    ["history", "L2", "--as-of", "2026-11-30"],
    ["action", "list"],
    ["snapshots"],
    ["rolls"],
    ["action", "add", "L1", "guarantor_demand", "--date", "2026-10-09", "--party", NAMES[3]],
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", ["80", "250"])
def test_no_screen_shows_personal_data(
    desk: Path, run: Any, monkeypatch: pytest.MonkeyPatch, lang: str, width: str
) -> None:
    monkeypatch.setenv("COLUMNS", width)
    for args in SCREENS:
        speaks = args[0] in ("triage", "limitation", "history", "rolls") or args[:2] == [
            "action",
            "list",
        ]
        result = run(*args, *(["--lang", lang] if speaks else []))
        assert result.exit_code in (0, 3), (args, result.stderr)
        shown = result.stdout + result.stderr
        leaked = [secret for secret in SECRETS if secret in shown]
        assert leaked == [], (args, leaked)


def test_no_mask_shows_them(desk: Path, run: Any) -> None:
    result = run("action", "list", "--no-mask")
    assert NAMES[2] in result.stdout and PHONES[0] in result.stdout
