"""Reading real-world ledgers: every reader path, with fixtures made here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from npl_cli.errors import InputError
from npl_cli.ledger import load_ledger
from tests.conftest import HEADER, VALID_CREDIT, VALID_ID, plain_rows, write_csv, write_xlsx

ROWS = [
    ["L001", "张三", VALID_ID, "12,345.60", "2023-05-03", "2023-06-01"],
    ["L002", "李四", VALID_CREDIT, "8000", "2023/5/3", ""],
]


def test_gb18030_csv_is_detected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [HEADER, *ROWS], encoding="gb18030")
    ledger = load_ledger(path)
    assert ledger.encoding == "gb18030"
    assert ledger.frame["debtor_name"].tolist() == ["张三", "李四"]
    assert ledger.frame["balance"].tolist() == [12345.6, 8000.0]


def test_utf8_bom_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [HEADER, *ROWS], encoding="utf-8-sig")
    ledger = load_ledger(path)
    assert ledger.encoding == "utf-8-sig"
    assert ledger.columns["loan_id"] == "借据号"
    assert ledger.frame["loan_id"].tolist() == ["L001", "L002"]


def test_gbk_file_with_ascii_head_falls_back_to_gb18030(tmp_path: Path) -> None:
    filler = [[f"L{i:04d}", "x", "", "1", "2023-01-01", ""] for i in range(20000)]
    path = write_csv(
        tmp_path / "l.csv", [HEADER, *filler, ["L9", "王五", "", "5", "", ""]], encoding="gbk"
    )
    ledger = load_ledger(path)
    assert ledger.encoding == "gb18030"
    assert ledger.frame["debtor_name"].iloc[-1] == "王五"


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = write_csv(tmp_path / "l.txt", [HEADER, *ROWS], delimiter=delimiter)
    assert load_ledger(path).frame["balance"].tolist() == [12345.6, 8000.0]


def test_title_rows_and_total_row_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {
            "台账": [
                ["XX银行不良贷款台账（2026年10月末）"],
                ["单位：元"],
                HEADER,
                *ROWS,
                ["合计", None, None, 20345.6, None, None],
            ]
        },
    )
    ledger = load_ledger(path)
    assert ledger.header_row == 3
    assert ledger.frame["source_row"].tolist() == [4, 5]
    assert ledger.skipped == {"total row": 1}
    assert (ledger.rows_read, ledger.rows_used, ledger.rows_rejected, ledger.rows_skipped) == (
        3,
        2,
        0,
        1,
    )


def test_legacy_xls_from_an_old_core_system() -> None:
    # Made by fixtures/make_legacy_xls.py: title rows, 万元, numeric loan ids, date cells, a
    # date typed as text, a row without a balance and a total row.
    ledger = load_ledger(Path(__file__).parent / "fixtures" / "legacy.xls")
    assert (ledger.sheet, ledger.header_row) == ("贷款台账", 4)
    assert (ledger.rows_read, ledger.rows_used, ledger.rows_rejected, ledger.rows_skipped) == (
        4,
        2,
        1,
        1,
    )
    assert ledger.frame[["loan_id", "debtor_id", "balance", "source_row"]].values.tolist() == [
        ["2023001", VALID_ID, 123456.0, 5],
        ["L002", VALID_CREDIT, 8000.0, 6],
    ]
    assert ledger.frame["maturity_date"].tolist() == [pd.Timestamp("2023-05-03")] * 2
    assert ledger.frame["overdue_since"].iloc[0] == pd.Timestamp("2023-06-01")
    assert ledger.rejects[["source_row", "column", "reason"]].values.tolist() == [
        [7, "贷款余额（万元）", "balance is empty"]
    ]


def test_cover_sheet_is_passed_over(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {
            "说明": [["本表为贷款台账"], ["数据来源：核心系统"]],
            "台账": [HEADER, *ROWS],
        },
    )
    ledger = load_ledger(path)
    assert ledger.sheet == "台账"
    assert ledger.rows_used == 2


def test_sheet_by_name_and_number(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", {"a": [HEADER, ROWS[0]], "b": [HEADER, *ROWS]})
    assert load_ledger(path, sheet="b").rows_used == 2
    assert load_ledger(path, sheet="1").rows_used == 1


def test_two_row_header_with_merged_group_cells(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {
            "台账": [
                ["借据号", "借款人", "贷款信息", None, "保证人", None],
                [None, None, "贷款余额", "到期日", "名称", "催收日"],
                ["L001", "张三", 1000, dt.datetime(2023, 5, 31), "王五", dt.datetime(2023, 9, 1)],
            ]
        },
        merges={"台账": ["A1:A2", "B1:B2", "C1:D1", "E1:F1"]},
    )
    ledger = load_ledger(path)
    assert ledger.header_row == 2
    assert ledger.columns == {
        "loan_id": "借据号",
        "debtor_name": "借款人",
        "balance": "贷款余额",
        "maturity_date": "到期日",
        "guarantors": "保证人名称",
        "guarantor_demanded_on": "保证人催收日",
    }
    assert ledger.frame["guarantor_demanded_on"].iloc[0] == pd.Timestamp("2023-09-01")


def test_wan_yuan_header_is_converted(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [
            ["借据号", "贷款余额（万元）", "到期日"],
            ["L1", "12.5", "2023-01-01"],
            ["L2", "12.3456", ""],
        ],
    )
    ledger = load_ledger(path)
    assert ledger.frame["balance"].tolist() == [125000.0, 123456.0]
    assert [(m.canonical, m.factor) for m in ledger.mapping if m.factor != 1] == [
        ("balance", 10000.0)
    ]


def test_headers_fold_full_width_spaces_brackets_and_case(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [["Loan ID", " 贷款 余额 ", "到期日（日期）"], ["L1", "1", "2023-01-01"]],
    )
    assert load_ledger(path).columns == {
        "loan_id": "Loan ID",
        "balance": "贷款 余额",
        "maturity_date": "到期日（日期）",
    }


@pytest.mark.parametrize(
    "text",
    [
        "2023-05-03",
        "2023/5/3",
        "2023.05.03",
        "2023年5月3日",
        "20230503",
        "45049",
        "2023-05-03 00:00:00",
        " 2023-05-03 ",
    ],
)
def test_every_date_form(tmp_path: Path, text: str) -> None:
    path = write_csv(tmp_path / "l.csv", [["借据号", "贷款余额", "到期日"], ["L1", "1", text]])
    ledger = load_ledger(path)
    assert ledger.frame["maturity_date"].iloc[0] == pd.Timestamp("2023-05-03")
    assert ledger.problems.empty


def test_date_cells_in_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {"s": [["借据号", "贷款余额", "到期日"], ["L1", 1, dt.datetime(2024, 2, 29)]]},
    )
    assert load_ledger(path).frame["maturity_date"].iloc[0] == pd.Timestamp("2024-02-29")


def test_bad_date_is_a_warning_naming_row_and_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [["借据号", "贷款余额", "到期日"], ["L1", "1", "2023-02-30"], ["L2", "1", "明年"]],
    )
    ledger = load_ledger(path)
    assert ledger.rows_used == 2
    assert ledger.frame["maturity_date"].isna().all()
    assert ledger.problems[["row", "column", "value", "severity"]].values.tolist() == [
        [2, "到期日", "2023-02-30", "warning"],
        [3, "到期日", "明年", "warning"],
    ]
    assert ledger.problems["message"].iloc[0] == (
        "not a date; use 2023-05-03, 2023/5/3, 2023年5月3日 or 20230503"
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.50", 1234.5),
        ("¥1,234.50", 1234.5),
        ("1234.5元", 1234.5),
        (" 1 234.5 ", 1234.5),
        ("12.5万", 125000.0),
        ("12.3456万", 123456.0),  # to the fen, not 123455.99999999999
        ("-300", -300.0),
    ],
)
def test_amount_text_forms(tmp_path: Path, text: str, value: float) -> None:
    path = write_csv(tmp_path / "l.csv", [["借据号", "贷款余额"], ["L1", text]])
    assert load_ledger(path).frame["balance"].tolist() == [value]


def test_ids_stay_text_and_destroyed_ids_are_flagged(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {
            "s": [
                ["借据号", "证件号码", "贷款余额", "联系电话"],
                [20230001, 110105194912310000, 1, 13812345678],
                ["L2", "1.10105E+17", 1, None],
                ["L3", "110105194912310021", 1, None],
                ["L4", "91110108551385082A", 1, None],
                ["L5", VALID_ID, 1, None],
                ["L6", VALID_CREDIT, 1, None],
                ["L7", "C0012345", 1, None],
            ]
        },
    )
    ledger = load_ledger(path)
    assert ledger.frame["loan_id"].iloc[0] == "20230001"
    assert ledger.frame["phone"].iloc[0] == "13812345678"
    assert ledger.frame["debtor_id"].iloc[0] == "110105194912310000"
    lost = (
        "digits lost: Excel turned this ID into a number; recover it from the core system "
        "(do not repair by hand)"
    )
    assert ledger.problems[["row", "message"]].values.tolist() == [
        [2, lost],
        [3, lost],
        [4, "resident ID check digit does not match"],
        [5, "credit code check character does not match"],
    ]


def test_rejects_missing_id_bad_balance_and_duplicates(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [
            ["借据号", "贷款余额"],
            ["L1", "100"],
            ["", "200"],
            ["L2", "abc"],
            ["L3", ""],
            ["L1", "300"],
        ],
    )
    ledger = load_ledger(path)
    assert ledger.rows_used == 1
    assert plain_rows(ledger.rejects, ["source_row", "column", "value", "reason"]) == [
        [3, "借据号", None, "missing loan id"],
        [4, "贷款余额", "abc", "balance is not a number"],
        [5, "贷款余额", None, "balance is empty"],
        [6, "借据号", "L1", "duplicate loan id; first at row 2"],
    ]
    assert (ledger.rows_read, ledger.rows_rejected, ledger.rows_skipped) == (5, 4, 0)


def test_blank_and_repeated_header_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(
        "借据号,贷款余额\nL1,1\n\n , \n借据号,贷款余额\nL2,2\n小计,3\n", encoding="utf-8"
    )
    ledger = load_ledger(path)
    assert ledger.frame["source_row"].tolist() == [2, 6]
    assert ledger.skipped == {"blank": 2, "repeated header": 1, "total row": 1}
    assert ledger.rows_read == 6


def test_malformed_csv_row_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text('借据号,贷款余额,备注\nL1,1,"多行\n备注"\nL2,2\nL3,3,x\n', encoding="utf-8")
    ledger = load_ledger(path)
    assert ledger.frame[["loan_id", "source_row"]].values.tolist() == [["L1", 2], ["L3", 5]]
    assert ledger.frame["notes"].iloc[0] == "多行\n备注"
    assert ledger.rejects[["source_row", "reason"]].values.tolist() == [
        [4, "2 fields where the header has 3; fix the quoting or delimiters"]
    ]


def test_unmapped_columns_are_kept(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv",
        [["借据号", "贷款余额", "五级分类", "营销渠道"], ["L1", "1", "次级", " 网点 "]],
    )
    ledger = load_ledger(path)
    assert ledger.extra_columns == ["营销渠道"]
    assert ledger.frame["营销渠道"].tolist() == ["网点"]


def test_config_mapping_overrides_aliases(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["账户A", "贷款余额", "借据号"], ["A1", "1", "X"]])
    ledger = load_ledger(path, columns={"loan_id": "账户A"})
    assert ledger.columns["loan_id"] == "账户A"
    assert ledger.frame["loan_id"].tolist() == ["A1"]
    assert ledger.extra_columns == ["借据号"]


def test_header_row_override(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "l.csv", [["借据号", "贷款余额"], ["贷款账号", "余额"], ["L1", "5"]]
    )
    assert load_ledger(path).header_row == 1
    ledger = load_ledger(path, header_row=2)
    assert ledger.header_row == 2
    assert ledger.columns == {"loan_id": "贷款账号", "balance": "余额"}
    assert ledger.frame["balance"].tolist() == [5.0]


def test_missing_required_column_lists_headers_and_closest(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["借据号", "贷款余 额X", "到期日"], ["L1", "1", "x"]])
    with pytest.raises(InputError) as error:
        load_ledger(path)
    assert str(error.value) == (
        f"{path}: no column for balance (贷款余额); headers found: 借据号, 贷款余 额X, 到期日; "
        'closest: 贷款余 额X. Map it in npl.toml: [columns] balance = "<header>"'
    )
