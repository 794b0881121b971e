"""The workspace: snapshots, the action log and its effects, safety (a temporary store per test)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from npl_cli.errors import InputError
from npl_cli.followup import promise_status
from npl_cli.ledger import load_ledger
from npl_cli.schema import ACTION_KINDS
from npl_cli.store import MIGRATIONS, FileHash, Workspace, default_path
from npl_cli.store.workspace import held_by_another_process
from tests.conftest import write_csv

HEADER = ["借据号", "借款人", "贷款余额", "到期日", "逾期起始日", "最近催收日", "送达情况",
          "保证人", "保证方式"]  # fmt: skip
ROW = ["L1", "张三", "1000", "2022-06-30", "2022-06-30", "", "", "王五", "连带责任保证"]


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ws.duckdb"
    monkeypatch.setenv("NPL_WORKSPACE", str(path))
    return path


def ledger(tmp_path: Path, *rows: list[str], name: str = "l.csv") -> Path:
    return write_csv(tmp_path / name, [HEADER, *(rows or [ROW])])


def deadline_rows(run: Any, *args: str) -> dict[tuple[str, str], dict[str, Any]]:
    result = run("limitation", *args, "--as-of", "2026-11-30", "--all", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {(r["kind"], r["party"]): r for r in json.loads(result.stdout)}


def test_load_is_idempotent_and_a_second_file_needs_replace(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    ledger(tmp_path)
    first = run("load", "l.csv", "--as-of", "2026-10-31")
    assert first.exit_code == 0
    assert "loaded snapshot 2026-10-31" in first.stderr
    again = run("load", "l.csv", "--as-of", "2026-10-31")
    assert again.stderr == "l.csv is already the snapshot of 2026-10-31; nothing changed\n"
    ledger(tmp_path, ROW, ["L2", "李四", "5", "2026-01-01", "", "", "", "", ""], name="m.csv")
    clash = run("load", "m.csv", "--as-of", "2026-10-31")
    assert clash.exit_code == 2
    assert clash.stderr == (
        "npl: error: a snapshot for 2026-10-31 exists already (from l.csv); load with --replace "
        "to replace it, or give another --as-of\n"
    )
    assert run("load", "m.csv", "--as-of", "2026-10-31", "--replace").exit_code == 0
    with Workspace.open(workspace) as store:
        assert store.snapshots()["file"].tolist() == ["m.csv"]
        day, frame = store.latest()
    assert day == pd.Timestamp("2026-10-31")
    assert frame["loan_id"].tolist() == ["L1", "L2"]
    assert str(frame["maturity_date"].dtype) == "datetime64[ns]"  # dates, not date objects
    assert frame["maturity_date"].tolist() == [
        pd.Timestamp("2022-06-30"),
        pd.Timestamp("2026-01-01"),
    ]
    assert frame["source_row"].tolist() == [2, 3]


def test_a_snapshot_has_the_columns_its_ledger_had(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    path = ledger(tmp_path)  # 最近催收日 and 送达情况 are there but empty
    run("load", "l.csv", "--as-of", "2026-10-31")
    with Workspace.open(workspace) as store:
        _, frame = store.latest()
    read = load_ledger(path).frame
    assert list(frame.columns) == list(read.columns)
    assert frame["last_collection_date"].isna().all()
    assert "overdue_interest" not in frame


def test_unmapped_columns_come_back_from_a_snapshot(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    rows = [[*HEADER, "贷后检查结论"], [*ROW, "经营正常"], ["L2", "李四", "5", "2026-01-01", "", "",
            "", "", "", ""]]  # fmt: skip
    path = write_csv(tmp_path / "l.csv", rows)
    run("load", "l.csv", "--as-of", "2026-10-31")
    with Workspace.open(workspace) as store:
        stored = store.query('SELECT loan_id, "column", value FROM loan_extras')
        _, frame = store.latest()
    assert stored.values.tolist() == [["L1", "贷后检查结论", "经营正常"]]
    read = load_ledger(path).frame
    assert list(frame.columns) == list(read.columns)
    assert frame["贷后检查结论"].tolist()[0] == "经营正常"
    assert frame["贷后检查结论"].isna().tolist() == [False, True]


def test_a_rule_on_an_unmapped_column_works_from_the_workspace(tmp_path: Path, run: Any) -> None:
    rows = [[*HEADER, "贷后检查结论"], [*ROW, "恶意转移资产"]]
    write_csv(tmp_path / "l.csv", rows)
    (tmp_path / "r.toml").write_text(
        '[[rules]]\nname = "asset_transfer_check"\ntype = "malicious"\n'
        'when = { field = "贷后检查结论", contains_any = ["转移资产"] }\n',
        encoding="utf-8",
    )
    run("load", "l.csv", "--as-of", "2026-10-31")
    for source in (["l.csv"], []):  # the file, then the snapshot
        result = run("triage", *source, "--rules", "r.toml", "--as-of", "2026-11-30", "-f", "json")
        assert result.exit_code == 0, result.stderr
        row = json.loads(result.stdout)[0]
        assert (row["debtor_type"], row["rule"]) == ("malicious", "asset_transfer_check")


def test_a_schema_1_workspace_is_migrated_on_open(
    tmp_path: Path, workspace: Path, run: Any
) -> None:
    import duckdb

    old = duckdb.connect(str(workspace))
    for statement in MIGRATIONS[1]:
        old.execute(statement)
    old.execute("ALTER TABLE loans DROP COLUMN enforcement_ended_on")  # added in schema 3
    old.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    old.execute("INSERT INTO snapshots VALUES ('2026-09-30', 'old.csv', 'x', 1, 1, 0, 0, now())")
    old.execute(
        "INSERT INTO loans (as_of, loan_id, balance, maturity_date, source_file, source_row) "
        "VALUES ('2026-09-30', 'L1', 100.0, '2024-01-31', 'old.csv', 2)"
    )
    old.close()
    with Workspace.open(workspace) as store:
        assert store.version() == 5
        assert {"voided_at", "voided_by", "void_reason"} <= set(
            store.query("SELECT * FROM actions LIMIT 0").columns
        )
        assert len(store.survey_answers()) == 0  # schema 5: the survey's table, empty
        day, frame = store.latest()
    assert day == pd.Timestamp("2026-09-30")
    assert list(frame.columns) == ["loan_id", "balance", "maturity_date", "source_file",
                                   "source_row"]  # fmt: skip
    assert frame["maturity_date"].tolist() == [pd.Timestamp("2024-01-31")]
    # schema 3's column stands last in the migrated store; a load fills it by name
    write_csv(tmp_path / "n.csv", [["借据号", "贷款余额", "到期日", "终本裁定送达日"],
                                   ["L2", "500", "2024-02-29", "2026-05-06"]])  # fmt: skip
    assert run("load", "n.csv", "--as-of", "2026-10-31").exit_code == 0
    with Workspace.open(workspace) as store:
        _, frame = store.latest()
    assert frame[["loan_id", "balance", "enforcement_ended_on"]].values.tolist() == [
        ["L2", 500.0, pd.Timestamp("2026-05-06")]
    ]


def test_snapshots_list_drop_and_latest_is_used(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path)
    run("load", "l.csv", "--as-of", "2026-09-30")
    ledger(
        tmp_path, ["L1", "张三", "800", "2022-06-30", "2022-06-30", "", "", "", ""], name="m.csv"
    )
    run("load", "m.csv", "--as-of", "2026-10-31")
    listed = run("snapshots")
    assert "2026-09-30" in listed.stdout and "2026-10-31" in listed.stdout
    rows = json.loads(run("triage", "--as-of", "2026-11-30", "-f", "json").stdout)
    assert rows[0]["balance"] == 800.0
    older = json.loads(
        run("triage", "--snapshot", "2026-09-30", "--as-of", "2026-11-30", "-f", "json").stdout
    )
    assert older[0]["balance"] == 1000.0
    assert run("snapshots", "drop", "2026-10-31").exit_code == 0
    rows = json.loads(run("triage", "--as-of", "2026-11-30", "-f", "json").stdout)
    assert rows[0]["balance"] == 1000.0
    missing = run("snapshots", "drop", "2026-10-31")
    assert missing.stderr == "npl: error: no snapshot for 2026-10-31; `npl snapshots` lists them\n"


def test_a_failed_load_leaves_no_trace(
    tmp_path: Path, run: Any, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger(tmp_path)
    original = Workspace._run

    def failing(self: Workspace, sql: str, parameters: list[Any] | None = None) -> None:
        if sql.startswith("INSERT INTO loans"):
            raise RuntimeError("disk full")
        original(self, sql, parameters)

    monkeypatch.setattr(Workspace, "_run", failing)
    result = run("load", "l.csv", "--as-of", "2026-10-31")
    assert result.exit_code == 1
    monkeypatch.setattr(Workspace, "_run", original)
    with Workspace.open(workspace) as store:
        assert store.snapshots().empty
        assert store.query("SELECT count(*) AS n FROM loans")["n"].iloc[0] == 0


def test_rows_skipped_or_rejected_while_storing_are_not_kept(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    # The loans are inserted before the reader has accounted for the rows; the ones it then
    # skips (a total row) or rejects (a duplicate id, no balance) must not stay behind.
    ledger(
        tmp_path,
        ROW,
        ["L2", "李四", "500", "2026-01-01", "", "", "", "", ""],
        ["L1", "张三", "700", "2022-06-30", "", "", "", "", ""],
        ["L3", "赵六", "", "2026-01-01", "", "", "", "", ""],
        ["合计", "", "1500", "", "", "", "", "", ""],
    )
    result = run("load", "l.csv", "--as-of", "2026-10-31")
    assert result.stderr.endswith("2 loans (rows read 5 = used 2 + rejected 2 + skipped 1)\n")
    with Workspace.open(workspace) as store:
        day, frame = store.latest()
        rejects = store.query("SELECT source_row, reason FROM rejects ORDER BY source_row")
        counts = store.snapshots()[["rows_read", "rows_used", "rows_rejected", "rows_skipped"]]
    assert frame["loan_id"].tolist() == ["L1", "L2"]
    assert frame["source_row"].tolist() == [2, 3]
    assert rejects.values.tolist() == [
        [4, "duplicate loan id; first at row 2"],
        [5, "balance is empty"],
    ]
    assert counts.values.tolist() == [[5, 2, 2, 1]]


def test_a_load_failing_after_the_insert_began_leaves_no_trace(
    tmp_path: Path, run: Any, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger(tmp_path)
    assert run("load", "l.csv", "--as-of", "2026-09-30").exit_code == 0

    def failing(*args: Any) -> None:
        raise RuntimeError("out of memory")

    monkeypatch.setattr("npl_cli.ledger.load._reject_reasons", failing)
    ledger(tmp_path, ["L9", "孙七", "10", "2026-01-01", "", "", "", "", ""], name="m.csv")
    assert run("load", "m.csv", "--as-of", "2026-10-31").exit_code == 1
    with Workspace.open(workspace, timeout=0) as store:  # and not left locked
        assert store.snapshots()["file"].tolist() == ["l.csv"]
        assert store.query("SELECT loan_id FROM loans")["loan_id"].tolist() == ["L1"]


@pytest.mark.parametrize("frozen", [False, True])  # a frozen app hashes in a thread
def test_file_hash_is_the_sha256_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen: bool
) -> None:
    monkeypatch.setattr(sys, "frozen", frozen, raising=False)
    path = ledger(tmp_path)
    with FileHash(path) as hashed:
        assert hashed.result() == hashlib.sha256(path.read_bytes()).hexdigest()
    with FileHash(tmp_path / "gone.csv") as missing, pytest.raises(InputError) as error:
        missing.result()
    assert str(error.value).startswith(f"{tmp_path / 'gone.csv'}: could not read it to hash it: ")
    assert "No such file or directory" in str(error.value)


def test_a_second_writer_waits_then_fails_clearly(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    ledger(tmp_path)
    run("load", "l.csv", "--as-of", "2026-10-31")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from pathlib import Path
        from npl_cli.store import Workspace
        with Workspace.open(Path({str(workspace)!r})):
            print("holding", flush=True)
            time.sleep(3)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        busy = run("action", "add", "L1", "call", "--date", "2026-11-01", "--wait", "0.5")
        assert busy.exit_code == 2
        assert busy.stderr.startswith(
            f"npl: error: {workspace}: the workspace is in use by another npl process"
        )
        waited = run("action", "add", "L1", "call", "--date", "2026-11-01", "--wait", "20")
        assert waited.exit_code == 0
    finally:
        holder.wait(timeout=30)
    with Workspace.open(workspace) as store:
        assert store.actions()["kind"].tolist() == ["call"]


def test_delivered_demand_action_moves_the_deadline_like_the_ledger_date(
    tmp_path: Path, run: Any
) -> None:
    ledger(
        tmp_path,
        ["L1", "张三", "1000", "2022-06-30", "2022-06-30", "2024-11-05", "签收", "", ""],
        name="with_date.csv",
    )
    from_ledger = deadline_rows(run, "with_date.csv")[("claim_limitation", "张三")]
    ledger(tmp_path)
    run("load", "l.csv", "--as-of", "2026-10-31")
    run("action", "add", "L1", "demand", "--date", "2024-11-05", "--evidence", "签收")
    from_action = deadline_rows(run)[("claim_limitation", "张三")]
    assert from_action["deadline"] == from_ledger["deadline"] == "2027-11-05"
    assert from_action["basis"] == from_ledger["basis"] == "demand 2024-11-05"


@pytest.mark.parametrize(
    ("kind", "extra", "kind_key", "expected"),
    [
        ("demand", ["--evidence", "签收"], "claim_limitation", ("2027-11-05", "ok")),
        ("demand", ["--evidence", "退回"], "claim_limitation", ("2025-06-30", "expired")),
        ("payment", ["--amount", "100"], "claim_limitation", ("2027-11-05", "ok")),
        ("acknowledgment", [], "claim_limitation", ("2027-11-05", "ok")),
        ("repayment_plan", [], "claim_limitation", ("2027-11-05", "ok")),
        ("suit", [], "claim_limitation", (None, "in_litigation")),
        ("payment_order", [], "claim_limitation", (None, "in_litigation")),
        ("judgment", [], "claim_limitation", (None, "met")),
        ("judgment", [], "enforcement", ("2026-11-05", "expired")),
        ("visit", [], "claim_limitation", ("2025-06-30", "expired")),
        ("call", [], "claim_limitation", ("2025-06-30", "expired")),
        ("note", [], "claim_limitation", ("2025-06-30", "expired")),
    ],
)
def test_each_action_kind_on_deadlines(
    tmp_path: Path,
    run: Any,
    kind: str,
    extra: list[str],
    kind_key: str,
    expected: tuple[str | None, str],
) -> None:
    ledger(tmp_path)
    run("load", "l.csv", "--as-of", "2026-10-31")
    # 2024-11-05 falls within the claim period (due 2022-06-30 -> 2025-06-30)
    added = run("action", "add", "L1", kind, "--date", "2024-11-05", *extra)
    assert added.exit_code == 0, added.stderr
    row = deadline_rows(run)[(kind_key, "张三")]
    assert (row["deadline"], row["status"]) == expected


def test_promise_needs_its_three_elements_and_is_tracked(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    ledger(tmp_path)
    run("load", "l.csv", "--as-of", "2026-10-31")
    bare = run("action", "add", "L1", "promise", "--date", "2026-09-01")
    assert bare.exit_code == 2
    assert bare.stderr == (
        "npl: error: a promise needs --promise-date and --promise-amount (time, method and "
        "amount)\n"
    )
    for made, due, amount in (
        ("2026-09-01", "2026-09-30", "500"),
        ("2026-10-20", "2026-11-10", "900"),
        ("2026-11-20", "2026-12-15", "700"),
    ):
        run(
            "action",
            "add",
            "L1",
            "promise",
            "--date",
            made,
            "--promise-date",
            due,
            "--promise-amount",
            amount,
            "--method",
            "电话",
        )
    run("action", "add", "L1", "payment", "--date", "2026-09-20", "--amount", "500")
    with Workspace.open(workspace) as store:
        status = promise_status(store.actions(), pd.Timestamp("2026-11-30"))
    assert status.sort_values("promise_date")["status"].tolist() == ["kept", "broken", "open"]
    history = run("history", "L1", "--as-of", "2026-11-30")
    assert history.exit_code == 0
    assert "kept" in history.stdout and "broken" in history.stdout


def test_history_as_the_record_for_a_lawyer(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2024-03-15", "2024-03-15", "", "", "王五", "连带"])
    run("load", "l.csv", "--as-of", "2026-10-31")
    run("action", "add", "L1", "payment", "--date", "2026-11-10", "--amount", "50")
    result = run("history", "L1", "--as-of", "2026-11-30", "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["loan_id"], record["as_of"]) == ("L1", "2026-11-30")
    assert [(s["as_of"], s["balance"], s["source_row"]) for s in record["snapshots"]] == [
        ("2026-10-31", 1000.0, 2)
    ]
    assert [(a["kind"], a["date"], a["amount"]) for a in record["actions"]] == [
        ("payment", "2026-11-10", 50.0)
    ]
    deadlines = sorted(
        (d["moment"], d["kind"], d["party"], d["deadline"], d["status"], d["basis"])
        for d in record["deadlines"]
    )
    assert deadlines == [
        ("now 2026-11-30", "claim_limitation", "张三", "2029-11-10", "ok", "repayment 2026-11-10"),
        ("now 2026-11-30", "guarantee_period", "王五", "2024-09-15", "expired",
         "due date 2024-03-15; 6 months (no period agreed)"),
        ("snapshot 2026-10-31", "claim_limitation", "张三", "2027-03-15", "ok",
         "maturity 2024-03-15"),
        ("snapshot 2026-10-31", "guarantee_period", "王五", "2024-09-15", "expired",
         "due date 2024-03-15; 6 months (no period agreed)"),
    ]  # fmt: skip
    screen = run("history", "L1", "--as-of", "2026-11-30", "--lang", "zh").stdout
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in screen.splitlines()]
    assert [
        "当前 2026-11-30",
        "诉讼时效",
        "张*",
        "2029-11-10",
        "未到期",
        "还款 2026-11-10",
    ] in cells
    assert ["2026-11-10", "还款", "", "50.00", "", "", "", ""] in cells
    assert run("history", "L1", "-f", "xlsx", "-o", "h.xlsx").exit_code == 0
    book = load_workbook(tmp_path / "h.xlsx")
    assert book.sheetnames == ["snapshots", "actions", "deadlines"]
    assert book["deadlines"].max_row == 5  # the header and four deadlines
    flat = run("history", "L1", "-o", "flat.csv")
    assert (flat.exit_code, flat.stderr) == (
        2,
        "npl: error: --format csv: this command writes table, json or xlsx\n",
    )


def test_guarantor_demand_action_meets_the_guarantee_period(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path, ["L1", "张三", "1000", "2026-06-30", "2026-06-30", "", "", "王五", "连带责任保证"]
    )
    run("load", "l.csv", "--as-of", "2026-10-31")
    before = deadline_rows(run)[("guarantee_period", "王五")]
    assert before["status"] == "due"
    run("action", "add", "L1", "guarantor_demand", "--date", "2026-11-20", "--party", "王五")
    after = deadline_rows(run)
    assert after[("guarantee_period", "王五")]["status"] == "met"
    assert after[("guarantee_limitation", "王五")]["deadline"] == "2029-11-20"


def test_actions_the_snapshot_cannot_place_are_warned_about(tmp_path: Path, run: Any) -> None:
    ledger(
        tmp_path, ["L1", "张三", "1000", "2026-06-30", "2026-06-30", "", "", "王五、赵六明", "连带"]
    )
    run("load", "l.csv", "--as-of", "2026-10-31")
    typo = run("action", "add", "L1", "guarantor_demand", "--date", "2026-11-20", "--party", "王武")
    assert typo.exit_code == 0
    assert typo.stderr == (
        "recorded\nwarning: 王* is not a guarantor of L1 in snapshot 2026-10-31 (its "
        "guarantors: 王*、赵*明); the demand meets no guarantee period until the names match\n"
    )
    assert deadline_rows(run)[("guarantee_period", "王五")]["status"] == "due"
    unknown = run("action", "add", "L9", "payment", "--date", "2026-11-20", "--amount", "5")
    assert unknown.stderr == (
        "recorded\nwarning: 1 loan id not in snapshot 2026-10-31: L9; their actions count "
        "once a loaded ledger has them\n"
    )
    right = run(
        "action", "add", "L1", "guarantor_demand", "--date", "2026-11-20", "--party", "王五"
    )
    assert right.stderr == "recorded\n"


def test_a_suit_action_holds_a_general_guarantor(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2026-06-30", "2026-06-30", "", "", "王五", "一般保证"])
    run("load", "l.csv", "--as-of", "2026-10-31")
    assert deadline_rows(run)[("guarantee_period", "王五")]["status"] == "due"
    run("action", "add", "L1", "suit", "--date", "2026-11-20")
    row = deadline_rows(run)[("guarantee_period", "王五")]
    assert (row["status"], row["deadline"]) == ("met", "2026-12-30")
    assert row["basis"].endswith("debtor sued 2026-11-20")


def test_a_payment_is_the_guarantors_when_it_names_one(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path, ["L1", "张三", "1000", "2026-06-30", "2026-06-30", "", "", "王五", "连带"])
    run("load", "l.csv", "--as-of", "2026-10-31")
    run("action", "add", "L1", "guarantor_demand", "--date", "2026-08-01", "--party", "王五")
    run("action", "add", "L1", "payment", "--date", "2026-10-15", "--amount", "100",
        "--party", "王五")  # fmt: skip
    rows = deadline_rows(run)
    assert rows[("guarantee_limitation", "王五")]["deadline"] == "2029-10-15"
    assert rows[("claim_limitation", "张三")]["deadline"] == "2029-06-30"  # not the borrower's
    # a relative paying for the borrower: the borrower's payment
    run("action", "add", "L1", "payment", "--date", "2026-11-02", "--amount", "50",
        "--party", "张小三")  # fmt: skip
    assert deadline_rows(run)[("claim_limitation", "张三")]["deadline"] == "2029-11-02"


def test_enforcement_application_meets_enforcement(tmp_path: Path, run: Any) -> None:
    ledger(tmp_path)
    run("load", "l.csv", "--as-of", "2026-10-31")
    run("action", "add", "L1", "judgment", "--date", "2025-03-01")
    row = deadline_rows(run)[("enforcement", "张三")]
    assert (row["deadline"], row["status"]) == ("2027-03-01", "ok")
    run("action", "add", "L1", "enforcement_application", "--date", "2026-06-01")
    assert deadline_rows(run)[("enforcement", "张三")]["status"] == "met"


def test_import_is_idempotent_and_accounts_for_every_row(
    tmp_path: Path, run: Any, workspace: Path
) -> None:
    write_csv(
        tmp_path / "a.csv",
        [
            ["借据号", "催收日期", "催收方式", "送达情况", "还款金额", "承诺还款日", "承诺金额"],
            ["L1", "2024-11-05", "信函", "签收", "", "", ""],
            ["L1", "2024-12-01", "上门", "", "300", "2025-01-15", "1000"],
            ["", "2024-12-02", "电话", "", "", "", ""],
            ["L1", "明天", "电话", "", "", "", ""],
            ["", "", "", "", "", "", ""],
        ],
    )
    first = run("action", "import", "a.csv")
    assert first.exit_code == 0
    assert first.stderr.splitlines() == [
        "a.csv: rows read 5 = used 2 + rejected 2 + skipped 1; actions added 4, already recorded 0",
        "  row 4: missing loan id",
        "  row 5: 催收日期 is not a date",
    ]
    again = run("action", "import", "a.csv")
    assert "actions added 0, already recorded 4" in again.stderr
    with Workspace.open(workspace) as store:
        kinds = store.actions()["kind"].tolist()
    assert kinds == ["demand", "demand", "payment", "promise"]


def test_workspace_info_and_export(tmp_path: Path, run: Any, workspace: Path) -> None:
    ledger(tmp_path)
    run("load", "l.csv", "--as-of", "2026-10-31")
    info = json.loads(run("workspace", "-f", "json").stdout)
    assert info == {
        "path": str(workspace),
        "schema_version": 5,
        "snapshots": 1,
        "latest": "2026-10-31",
        "loans_in_latest": 1,
        "actions": 0,
        "exists": True,
    }
    result = run("workspace", "export", "out", "--format", "csv")
    assert result.exit_code == 0
    loans = pd.read_csv(tmp_path / "out" / "loans.csv")
    assert loans["loan_id"].tolist() == ["L1"]
    quoted = run("workspace", "export", "O'Brien 的导出")  # a quote in the folder name
    assert quoted.exit_code == 0, quoted.stderr
    snapshots = pd.read_parquet(tmp_path / "O'Brien 的导出" / "snapshots.parquet")
    assert snapshots["file"].tolist() == ["l.csv"]


def test_without_a_ledger_or_workspace_the_message_says_what_to_do(
    run: Any, workspace: Path
) -> None:
    result = run("triage")
    assert result.exit_code == 2
    assert result.stderr == (
        f"npl: error: {workspace}: no workspace yet; `npl load LEDGER` creates it\n"
    )


def test_concurrent_loads_do_not_corrupt(tmp_path: Path, workspace: Path) -> None:
    ledger(tmp_path)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "npl_cli",
                "load",
                str(tmp_path / "l.csv"),
                "--as-of",
                f"2026-10-{day}",
                "--force",  # the same file under three dates: the race is what is tested
                "--wait",
                "60",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for day in (29, 30, 31)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=300)  # also closes the pipe
        assert process.returncode == 0, errors
    with Workspace.open(workspace) as store:
        assert [str(d)[:10] for d in store.snapshots()["as_of"]] == [
            "2026-10-29",
            "2026-10-30",
            "2026-10-31",
        ]


@pytest.mark.parametrize(
    ("platform", "environment", "expected"),
    [
        ("win32", {"LOCALAPPDATA": "C:/Users/wang/AppData/Local"},
         "C:/Users/wang/AppData/Local/npl/workspace.duckdb"),
        ("darwin", {}, "{home}/Library/Application Support/npl/workspace.duckdb"),
        ("linux", {}, "{home}/.local/share/npl/workspace.duckdb"),
        ("linux", {"XDG_DATA_HOME": "/srv/desk"}, "/srv/desk/npl/workspace.duckdb"),
    ],
)  # fmt: skip
def test_the_default_workspace_is_in_the_platforms_data_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    environment: dict[str, str],
    expected: str,
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert default_path() == Path(expected.format(home=Path.home()))


def test_a_file_that_is_no_workspace_is_named_not_called_busy(tmp_path: Path, run: Any) -> None:
    (tmp_path / "junk.duckdb").write_text("not a database", encoding="utf-8")
    result = run("snapshots", "--workspace", "junk.duckdb")
    assert result.exit_code == 2
    assert result.stderr.startswith("npl: error: junk.duckdb: not a workspace npl can open (")
    assert "not a valid DuckDB database file" in result.stderr


@pytest.mark.parametrize(
    ("message", "busy"),
    [
        ('IO Error: Could not set lock on file "ws.duckdb": Conflicting lock is held in '
         "/usr/bin/python3.11 (PID 4242)", True),
        ('IO Error: Cannot open file "E:\\\\ws.duckdb": 另一个程序正在使用此文件，进程无法访问。 '
         "File is already open in C:\\\\Python311\\\\python.exe (PID 3528)", True),
        ('IO Error: Cannot open file "ws.duckdb": Permission denied', False),
    ],
)  # fmt: skip
def test_another_process_holding_the_file_is_told_apart(message: str, busy: bool) -> None:
    assert held_by_another_process(OSError(message)) is busy


def test_the_sample_month_of_actions(tmp_path: Path, run: Any) -> None:
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    run("load", str(sample / "ledger.xlsx"), "--as-of", "2026-10-31")
    imported = run("action", "import", str(sample / "actions.csv"))
    assert imported.stderr == (
        "actions.csv: rows read 10 = used 10 + rejected 0 + skipped 0; actions added 10, "
        "already recorded 0\n"
    )
    listed = run("limitation", "--as-of", "2026-11-30", "--all", "-f", "json").stdout
    rows = {(r["loan_id"], r["kind"], r["party"]): r for r in json.loads(listed)}
    claim = "claim_limitation"
    assert rows[("DK000000083", claim, "周霞鹏")]["deadline"] == "2029-11-03"  # signed for
    assert rows[("DK000000145", claim, "程飞娜")]["deadline"] == "2029-11-24"  # the payment
    assert rows[("DK000000188", claim, "曾丽华")]["status"] == "in_litigation"
    # a general guarantor is held by the suit, not by a demand; a returned letter reached nobody
    assert rows[("DK000000188", "guarantee_period", "王桂杰")]["status"] == "met"
    assert rows[("DK000000258", "guarantee_period", "孙霞")]["status"] == "due"
    with Workspace.open(tmp_path / "ws.duckdb") as store:
        promises = promise_status(store.actions(), pd.Timestamp("2026-11-30"))
    assert sorted(promises["status"]) == ["broken", "kept"]


def test_every_chinese_action_label_reads_back_as_its_kind(tmp_path: Path) -> None:
    from npl_cli.ledger.actions import read_actions
    from npl_cli.render.labels import code_label

    def elements(kind: str) -> list[str]:  # a promise is recorded with its three elements
        return ["2026-12-01", "100"] if kind == "promise" else ["", ""]

    rows = [["借据号", "动作", "日期", "承诺还款日", "承诺金额"]] + [
        ["L1", code_label(kind, "zh"), "2026-11-01", *elements(kind)] for kind in ACTION_KINDS
    ]
    read = read_actions(write_csv(tmp_path / "a.csv", rows))
    assert read.actions["kind"].tolist() == list(ACTION_KINDS)


def test_roll_rates_between_two_snapshots(tmp_path: Path, run: Any) -> None:
    def month(name: str, *rows: tuple[str, str, str]) -> None:
        ledger(tmp_path, *([loan, "某", balance, "2027-12-31", since, "", "", "", ""]
                           for loan, balance, since in rows), name=name)  # fmt: skip

    month("sep.csv", ("L1", "1000", ""), ("L2", "500", "2026-08-20"), ("L3", "200", "2026-06-01"))
    month("oct.csv", ("L1", "1000", "2026-10-10"), ("L3", "200", "2026-06-01"), ("L4", "300", ""))
    run("load", "sep.csv", "--as-of", "2026-09-30")
    only_one = run("rolls")
    assert (only_one.exit_code, only_one.stderr) == (
        2,
        "npl: error: roll rates need two snapshots; `npl load` another month's ledger\n",
    )
    run("load", "oct.csv", "--as-of", "2026-10-31")
    rows = json.loads(run("rolls", "-f", "json").stdout)
    assert [(r["from_band"], r["to_band"], r["loans"], r["balance"], r["balance_share"])
            for r in rows] == [
        ("M0", "M1", 1, 1000.0, 1.0),  # current, then 21 days overdue
        ("M2", "gone", 1, 500.0, 1.0),  # 41 days overdue, then repaid
        ("M5", "M6", 1, 200.0, 1.0),  # 121 days, then 152
    ]  # fmt: skip
    screen = run("rolls", "--from", "2026-09-30", "--to", "2026-10-31").stdout
    assert screen.splitlines()[-1] == "new loans: 1, ¥300"
    backwards = run("rolls", "--from", "2026-10-31", "--to", "2026-09-30")
    assert backwards.stderr == "npl: error: --from must be an earlier snapshot than --to\n"
