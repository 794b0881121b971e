"""npl inspect: the JSON contract, the table, and every file error (exit 2, one line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import HEADER, VALID_ID, write_csv, write_xlsx

NO_HEADER = (
    "no ledger header found{where}; expected headers such as 借据号 and 贷款余额 (see 'npl "
    "inspect --help'); use --header-row N, or map your headers in npl.toml [columns]"
)


def test_inspect_json_contract(tmp_path: Path, run: Any) -> None:
    write_xlsx(
        tmp_path / "l.xlsx",
        {
            "台账": [
                ["XX银行贷款台账"],
                HEADER,
                ["L1", "张三", VALID_ID, 100, "2023-05-31", "2023-06-01"],
                ["L1", "张三", VALID_ID, 100, "2023-05-31", "someday"],
                ["L2", "李四", "110105194912310000", 100, "2023-05-31", None],
                ["合计", None, None, 300, None, None],
            ]
        },
    )
    result = run("inspect", "l.xlsx", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    payload = json.loads(result.stdout)
    assert {
        k: payload[k]
        for k in (
            "file",
            "sheet",
            "header_row",
            "encoding",
            "rows_read",
            "rows_used",
            "rows_rejected",
            "rows_skipped",
        )
    } == {
        "file": "l.xlsx",
        "sheet": "台账",
        "header_row": 2,
        "encoding": None,
        "rows_read": 4,
        "rows_used": 2,
        "rows_rejected": 1,
        "rows_skipped": 1,
    }
    assert payload["columns"] == {
        "loan_id": "借据号",
        "debtor_name": "借款人",
        "debtor_id": "证件号码",
        "balance": "贷款余额",
        "maturity_date": "到期日",
        "overdue_since": "逾期起始日",
    }
    assert payload["problems"] == [
        {
            "row": 4,
            "column": "借据号",
            "value": "L1",
            "message": "duplicate loan id; first at row 3",
            "severity": "error",
        },
        {
            "row": 5,
            "column": "证件号码",
            "value": "110105194912310000",
            "message": "digits lost: Excel turned this ID into a number; recover it from the core "
            "system (do not repair by hand)",
            "severity": "warning",
        },
    ]
    assert payload["analyses"]["claim_limitation"] is True
    assert payload["analyses"]["guarantee_period"] is False


def test_inspect_table_masks_ids_and_reports_accounting(tmp_path: Path, run: Any) -> None:
    write_csv(tmp_path / "l.csv", [HEADER, ["L1", "张三", "11010519491231002Y", "1", "", ""]])
    result = run("inspect", "l.csv")
    assert result.exit_code == 0
    assert "rows read 1 = used 1 + rejected 0 + skipped 0" in result.stdout
    assert "110105********002Y" in result.stdout
    assert "11010519491231002Y" not in result.stdout
    assert "11010519491231002Y" in run("inspect", "l.csv", "--no-mask").stdout


def test_rejects_file_is_written(tmp_path: Path, run: Any) -> None:
    write_csv(tmp_path / "l.csv", [["借据号", "贷款余额"], ["L1", "x"], ["L2", "1"]])
    result = run("inspect", "l.csv", "--rejects", "rejects.csv")
    assert result.exit_code == 0
    assert (tmp_path / "rejects.csv").read_text(encoding="utf-8-sig").splitlines() == [
        '"source_file","source_row","column","value","reason"',
        '"l.csv",2,"贷款余额","x","balance is not a number"',
    ]


def _error_case(tmp_path: Path, case: str) -> tuple[list[str], str]:
    if case == "missing":
        return ["nope.xlsx"], "nope.xlsx: file not found; check the path"
    if case == "protected":
        (tmp_path / "p.xlsx").write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64) + "EncryptionInfo".encode("utf-16-le")
        )
        return ["p.xlsx"], (
            "p.xlsx: the workbook is password-protected; save an unprotected copy and read that"
        )
    if case == "empty_sheet":
        write_xlsx(tmp_path / "e.xlsx", {"Sheet1": []})
        return ["e.xlsx"], ("e.xlsx: sheet 'Sheet1' is empty; give a workbook with a ledger sheet")
    if case == "unknown_sheet":
        write_xlsx(tmp_path / "l.xlsx", {"台账": [HEADER], "说明": [["x"]]})
        return ["l.xlsx", "--sheet", "Sheet9"], (
            "l.xlsx: no sheet 'Sheet9'; the workbook has 1:台账, 2:说明 "
            "(give --sheet NAME or NUMBER)"
        )
    if case == "no_header_xlsx":
        write_xlsx(tmp_path / "n.xlsx", {"a": [["name", "amount"], ["x", 1]]})
        return ["n.xlsx"], "n.xlsx: " + NO_HEADER.format(where=" on any sheet")
    if case == "no_header_csv":
        write_csv(tmp_path / "n.csv", [["name", "amount"], ["x", "1"]])
        return ["n.csv"], "n.csv: " + NO_HEADER.format(where="")
    if case == "empty_csv":
        (tmp_path / "e.csv").write_bytes(b"\n \n")
        return ["e.csv"], "e.csv: the file is empty; give a ledger with a header and rows"
    if case == "unsupported":
        (tmp_path / "l.pdf").write_bytes(b"%PDF")
        return ["l.pdf"], (
            "l.pdf: unsupported file type '.pdf'; give an .xlsx, .xlsm, .xls or .csv ledger"
        )
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "protected",
        "empty_sheet",
        "unknown_sheet",
        "no_header_xlsx",
        "no_header_csv",
        "empty_csv",
        "unsupported",
    ],
)
def test_file_errors_exit_2_with_one_line(tmp_path: Path, run: Any, case: str) -> None:
    args, message = _error_case(tmp_path, case)
    result = run("inspect", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"npl: error: {message}\n"


def test_unreadable_workbook(tmp_path: Path, run: Any) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"this is not a zip")
    result = run("inspect", "bad.xlsx")
    assert result.exit_code == 2
    assert result.stderr.startswith("npl: error: bad.xlsx: cannot open the workbook (")
    assert result.stderr.endswith("); open it in Excel and save it again as .xlsx\n")
    assert result.stderr.count("\n") == 1


def test_output_never_overwrites_input(tmp_path: Path, run: Any) -> None:
    write_csv(tmp_path / "l.csv", [["借据号", "贷款余额"], ["L1", "1"]])
    before = (tmp_path / "l.csv").read_bytes()
    result = run("inspect", "l.csv", "--format", "json", "-o", "l.csv")
    assert result.exit_code == 2
    assert result.stderr == (
        "npl: error: l.csv: refusing to overwrite an input file; choose another -o path\n"
    )
    assert (tmp_path / "l.csv").read_bytes() == before
