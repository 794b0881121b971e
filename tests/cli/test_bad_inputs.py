"""Bad input: every reproduction of the hardening issue as a fixture, each with what it must
show; and no command ever exits 1 (a bug) on any of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from npl_cli.ledger import load_ledger
from npl_cli.ledger.actions import read_actions

H = "借据号,借款人,贷款余额,到期日\n"


def csv_file(name: str, text: str | bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path

    return make


def xlsx_file(name: str, build: Callable[[Any], None], hide_first: bool = False) -> Any:
    def make(folder: Path) -> Path:
        book = Workbook()
        build(book)
        if hide_first:
            book.worksheets[0].sheet_state = "hidden"
        path = folder / name
        book.save(path)
        return path

    return make


def _errors(book: Any) -> None:
    sheet = book.active
    for row in (["借据号", "借款人", "贷款余额", "到期日"], ["L1", "张三", "#REF!", "2024-01-01"],
                ["L2", "李四", "=1/0", "2024-01-01"], ["L3", "王五", 300, "#N/A"]):  # fmt: skip
        sheet.append(row)


def _merged(book: Any) -> None:
    sheet = book.active
    sheet.append(["借据号", "借款人", "证件号码", "贷款余额", "到期日"])
    sheet.append(["L1", "张三", "11010519491231002X", 1000, "2024-01-01"])
    sheet.append(["L2", None, None, 2000, "2024-02-01"])
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:C3")


def _hidden(book: Any) -> None:
    old = book.active
    old.title = "旧台账"
    old.append(["借据号", "贷款余额", "到期日"])
    old.append(["OLD", 1, "2020-01-01"])
    new = book.create_sheet("台账")
    new.append(["借据号", "贷款余额", "到期日"])
    new.append(["L1", 1000, "2024-01-01"])


def _huge(book: Any) -> None:
    sheet = book.active
    sheet.append(["借据号", "贷款余额", "到期日"])
    sheet.append(["L1", 1000, "2024-01-01"])
    sheet["XFD1048576"] = "x"


def _multiline_header(book: Any) -> None:
    sheet = book.active
    sheet.append(["借据号", "贷款\n余额", "到期日"])
    sheet.append(["L1", 1000, "2024-01-01"])


CORPUS: dict[str, Callable[[Path], Path]] = {
    "title_formfeed": csv_file("t.csv", "台账\f2026\n" + H + "L1,张三,1,2024-01-01\n"),
    "title_u2028": csv_file("t.csv", "台账\u20282026\n" + H + "L1,张三,1,2024-01-01\n"),
    "unbalanced_quote": csv_file("q.csv", H + 'L1,"张三,1,2024-01-01\nL2,李四,2,2024-01-01\n'),
    "quoted_newline": csv_file("n.csv", H + 'L1,"张\n三",1,2024-01-01\nL2,李四,x,2024-01-01\n'),
    "wide_row": csv_file("w.csv", "借据号,贷款余额\nL1,100,extra\nL2,200\nL3,300\n"),
    "long_field": csv_file("f.csv", H + "L1," + "长" * 70_000 + ",1,2024-01-01\n"),
    "stray_byte": csv_file("s.csv", (H + "L1,张三,1,x\n" * 12_000).encode() + b"L9,\xff,1,x\n"),
    "stray_byte_late": csv_file(
        "s.csv", (H + "L1,张三,1,2024-01-01\n" * 12_000).encode() + b"L9,\xff,1,x\n"
    ),
    "infinite": csv_file("i.csv", "借据号,贷款余额\nL1,inf\nL2,1e400\nL3,Infinity\nL4,5\n"),
    "grouping": csv_file("g.csv", '借据号,贷款余额\nL1,"1.234,56"\nL2,"1,2,3"\nL3,"1,234.56"\n'),
    "own_unit": csv_file("u.csv", "借据号,贷款余额（万元）\nL1,5万\nL2,5\nL3,50000元\n"),
    "duplicate_headers": csv_file("d.csv", "借据号,贷款余额,备注,备注.2,备注\nL1,1,a,b,c\n"),
    "empty": csv_file("e.csv", ""),
    "binary": csv_file("b.csv", bytes(range(256)) * 50),
    "errors_xlsx": xlsx_file("errors.xlsx", _errors),
    "merged_xlsx": xlsx_file("merged.xlsx", _merged),
    "hidden_xlsx": xlsx_file("hidden.xlsx", _hidden, hide_first=True),
    "huge_xlsx": xlsx_file("huge.xlsx", _huge),
    "multiline_header_xlsx": xlsx_file("ml.xlsx", _multiline_header),
    "truncated_xlsx": lambda folder: _truncated(folder),
    "junk_xlsx": csv_file("junk.xlsx", "not a workbook"),
}  # fmt: skip


def _truncated(folder: Path) -> Path:
    whole = xlsx_file("whole.xlsx", _hidden)(folder)
    path = folder / "cut.xlsx"
    path.write_bytes(whole.read_bytes()[:2000])
    return path


COMMANDS = [["inspect"], ["triage", "--as-of", "2026-11-30"],
            ["limitation", "--as-of", "2026-11-30"], ["load", "--as-of", "2026-10-31"]]  # fmt: skip


@pytest.mark.parametrize("case", list(CORPUS))
def test_no_command_exits_1_on_the_corpus(
    tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("NPL_WORKSPACE", str(tmp_path / "ws.duckdb"))
    path = CORPUS[case](tmp_path)
    for command in COMMANDS:
        result = run(command[0], str(path), *command[1:])
        assert result.exit_code in (0, 2, 3), (case, command, result.stderr)
        if result.exit_code == 2:
            assert result.stderr.count("npl: error:") == 1, result.stderr
            assert result.stderr.strip().splitlines()[-1].startswith("npl: error:")


def used_and_rejected(path: Path) -> tuple[list[str], list[tuple[int, str]]]:
    ledger = load_ledger(path)
    rows = ledger.rejects["source_row"].astype(int).tolist()
    rejected = list(zip(rows, ledger.rejects["reason"].astype(str), strict=True))
    return ledger.frame["loan_id"].tolist(), rejected


def test_title_rows_with_odd_line_breaks_lose_no_data_row(tmp_path: Path) -> None:
    for case in ("title_formfeed", "title_u2028"):
        ledger = load_ledger(CORPUS[case](tmp_path))
        assert (ledger.frame["loan_id"].tolist(), ledger.frame["source_row"].tolist()) == (
            ["L1"],
            [3],
        )


def test_an_unterminated_quote_names_its_line_and_takes_only_it(tmp_path: Path) -> None:
    used, rejected = used_and_rejected(CORPUS["unbalanced_quote"](tmp_path))
    assert used == ["L2"]
    assert rejected == [
        (2, "a quote opened on this line is never closed; fix the quoting (the lines after it "
            "are read on their own)")
    ]  # fmt: skip


def test_a_quoted_line_break_keeps_later_row_numbers(tmp_path: Path) -> None:
    used, rejected = used_and_rejected(CORPUS["quoted_newline"](tmp_path))
    assert used == ["L1"]
    assert rejected == [(4, "balance is not a number")]  # line 4, after the two-line record


def test_the_header_decides_the_width(tmp_path: Path) -> None:
    used, rejected = used_and_rejected(CORPUS["wide_row"](tmp_path))
    assert used == ["L2", "L3"]
    assert rejected == [(2, "3 fields where the header has 2; fix the quoting or delimiters")]


@pytest.mark.parametrize("case", ["stray_byte", "stray_byte_late"])  # in and after the sample
def test_a_stray_byte_names_its_line(tmp_path: Path, run: Any, case: str) -> None:
    result = run("inspect", str(CORPUS[case](tmp_path)))
    assert result.exit_code == 2
    assert "the text is not valid utf-8 at line 12002 (byte 0xff)" in result.stderr


def test_infinite_and_misgrouped_amounts_are_rejected_not_guessed(tmp_path: Path) -> None:
    used, rejected = used_and_rejected(CORPUS["infinite"](tmp_path))
    assert used == ["L4"]
    assert rejected == [(row, "balance is not a number") for row in (2, 3, 4)]
    ledger = load_ledger(CORPUS["grouping"](tmp_path))
    assert ledger.frame[["loan_id", "balance"]].values.tolist() == [["L3", 1234.56]]
    assert [int(r) for r in ledger.rejects["source_row"]] == [2, 3]


def test_a_cells_own_unit_wins_over_the_headers(tmp_path: Path) -> None:
    ledger = load_ledger(CORPUS["own_unit"](tmp_path))
    assert ledger.frame["balance"].tolist() == [50_000.0, 50_000.0, 50_000.0]
    notes = ledger.problems[["row", "severity"]].values.tolist()
    assert notes == [[4, "info"]]  # 50000元 under 万元: its own unit, said; 5万 agrees


def test_repeated_headers_keep_every_column(tmp_path: Path) -> None:
    ledger = load_ledger(CORPUS["duplicate_headers"](tmp_path))
    assert ledger.frame[["notes", "备注.2", "备注.3"]].values.tolist() == [["a", "b", "c"]]


def test_excel_errors_and_unsaved_formulas_are_named(tmp_path: Path) -> None:
    ledger = load_ledger(CORPUS["errors_xlsx"](tmp_path))
    assert ledger.frame["loan_id"].tolist() == ["L3"]
    assert ledger.problems[["row", "message", "severity"]].values.tolist() == [
        [2, "balance is empty: Excel error #REF! in the cell; fix it in Excel", "error"],
        [3, "balance is empty: a formula with no saved value; open the file in Excel and save "
            "it again", "error"],
        [4, "Excel error #N/A in the cell; fix it in Excel", "warning"],
    ]  # fmt: skip


def test_merged_cells_fill_every_row_they_cover(tmp_path: Path) -> None:
    ledger = load_ledger(CORPUS["merged_xlsx"](tmp_path))
    assert ledger.frame[["loan_id", "debtor_name", "debtor_id"]].values.tolist() == [
        ["L1", "张三", "11010519491231002X"],
        ["L2", "张三", "11010519491231002X"],
    ]


def test_a_hidden_sheet_is_skipped_and_said(tmp_path: Path, run: Any) -> None:
    path = CORPUS["hidden_xlsx"](tmp_path)
    ledger = load_ledger(path)
    assert (ledger.sheet, ledger.frame["loan_id"].tolist()) == ("台账", ["L1"])
    result = run("triage", str(path), "--as-of", "2026-11-30", "-f", "csv")
    assert (
        result.stderr.splitlines()[0] == "note: read sheet '台账' (hidden sheets skipped: 旧台账)"
    )
    named = load_ledger(path, sheet="旧台账")
    assert named.frame["loan_id"].tolist() == ["OLD"]


def test_a_stray_far_cell_is_refused_before_the_reader_allocates(tmp_path: Path, run: Any) -> None:
    result = run("inspect", str(CORPUS["huge_xlsx"](tmp_path)))
    assert result.exit_code == 2
    assert "reaches cell XFD1048576 (1,048,576 rows × 16,384 columns)" in result.stderr


def test_a_multi_line_header_cell_is_a_header(tmp_path: Path) -> None:
    ledger = load_ledger(CORPUS["multiline_header_xlsx"](tmp_path))
    assert (ledger.rows_read, ledger.rows_rejected, ledger.frame["balance"].tolist()) == (
        1,
        0,
        [1000.0],
    )


def test_action_import_accounts_for_every_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "借据号,动作,日期,还款金额,承诺还款日,承诺金额\n"
        "L1,还款,2026-11-01,-5,,\n"
        'L1,"承诺,2026-11-02,,,\n'
        "L1,承诺,2026-11-03,,2026-11-01,100\n"
        "L1,承诺,2026-11-04,,2026-12-01,\n"
        "L1,还款,2126-11-01,5,,\n"
        "L1,还款,2026-11-05,100,,,extra\n"
        "L1,还款,2026-11-06,inf,,\n"
        "L1,还款,2026-11-07,100,,\n",
        encoding="utf-8",
    )
    read = read_actions(path)
    assert read.actions["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-07"]
    assert read.rejects[["source_row", "reason"]].values.tolist() == [
        [2, "还款金额 is negative"],
        [3, "a quote opened on this line is never closed; fix the quoting (the lines after it "
            "are read on their own)"],
        [4, "承诺还款日 is before 日期: a promise looks forward"],
        [5, "a promise needs 承诺还款日 and 承诺金额 (time, method and amount)"],
        [6, "日期 is outside 1950-2100; check the year"],
        [7, "7 fields where the header has 6; fix the quoting or delimiters"],
        [8, "还款金额 is not an amount"],
    ]  # fmt: skip
    assert read.rows_read == 8 and read.rows_skipped == 0


def test_a_file_name_starting_with_a_dash_is_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "-odd.csv").write_text(H + "L1,张三,1,2024-01-01\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "npl_cli", "triage", "-odd.csv"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (
        2,
        "npl: error: -odd.csv: a file name starting with '-' reads as options; write "
        "./-odd.csv, or put -- before it\n",
    )
    assert not (tmp_path / "dd.csv").exists()


def test_load_writes_its_rejects(tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPL_WORKSPACE", str(tmp_path / "ws.duckdb"))
    path = CORPUS["infinite"](tmp_path)
    result = run("load", str(path), "--as-of", "2026-10-31", "--rejects", "r.csv")
    assert result.exit_code == 0, result.stderr
    lines = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()  # Excel-ready BOM
    assert lines == [
        '"source_file","source_row","column","value","reason"',
        '"i.csv",2,"贷款余额","inf","balance is not a number"',
        '"i.csv",3,"贷款余额","1e400","balance is not a number"',
        '"i.csv",4,"贷款余额","Infinity","balance is not a number"',
    ]


def test_a_utf8_line_inside_a_gb18030_file_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "借据号,借款人,贷款余额\nL1,张三,1\n".encode("gbk")
        + "L2,李四王五,2\n".encode()
        + "L3,赵六,3\n".encode("gbk")
    )
    ledger = load_ledger(path)
    assert ledger.encoding == "gb18030"
    assert ledger.problems[["row", "message", "severity"]].values.tolist() == [
        [3, "this line is UTF-8 inside a GB18030 (GBK) file, so its text reads garbled; save "
            "the file again in one encoding", "warning"],
    ]  # fmt: skip
    assert ledger.frame["debtor_name"].tolist()[::2] == ["张三", "赵六"]


def test_utf8_lines_are_found_across_chunk_edges() -> None:
    from npl_cli.ledger.lines import utf8_lines

    data = ("甲,乙\n".encode("gbk") + "丙,丁\n".encode() + b"plain\n") * 50
    assert utf8_lines(data, chunk=7).tolist() == list(range(2, 151, 3))
