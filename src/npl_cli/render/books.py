"""The workbooks the desk hands out as they are: a summary sheet first, the list with a totals
row, the rejected rows when there are any, and a legend; every sheet print-ready (export.Sheet).
Headers and coded values are in the `--lang` language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from npl_cli.export import Sheet
from npl_cli.ledger import Ledger
from npl_cli.pipeline import LimitationResult, TriageResult
from npl_cli.render.labels import class_label, code_label, column_label, kind_label, type_label
from npl_cli.render.legend import KIND_USE, STATUS_USE, TACTIC_USE
from npl_cli.render.workbook import for_people
from npl_cli.schema import TACTICS

SHEET_NAMES = {
    "zh": {"summary": "汇总", "worklist": "清收清单", "deadlines": "法定期限", "rejects": "剔除行",
           "legend": "说明"},
    "en": {"summary": "summary", "worklist": "worklist", "deadlines": "deadlines",
           "rejects": "rejects", "legend": "legend"},
}  # fmt: skip
WORDS = {
    "zh": {"item": "项目", "count": "数量", "balance": "余额", "as_of": "基准日",
           "file": "源文件", "rows_read": "读入行数", "rows_used": "采用", "rows_rejected": "剔除",
           "rows_skipped": "跳过（空行、重复表头、合计行）", "listed_debtor": "清单户数",
           "listed_loan": "清单笔数", "npl": "其中不良（次级、可疑、损失）", "band": "按账龄",
           "risk_class": "按五级分类下限", "debtor_type": "按客户类型", "officer": "按客户经理",
           "total": "合计", "code": "代码", "name": "名称", "use": "如何依法使用",
           "tactic": "策略", "kind": "期限类型", "status": "状态", "listed": "清单中期限数",
           "unassigned": "未分配"},
    "en": {"item": "item", "count": "count", "balance": "balance", "as_of": "as of",
           "file": "source file", "rows_read": "rows read", "rows_used": "used",
           "rows_rejected": "rejected", "rows_skipped": "skipped (blank, repeated header, total)",
           "listed_debtor": "debtors listed", "listed_loan": "loans listed",
           "npl": "of which NPL (substandard, doubtful, loss)", "band": "by band",
           "risk_class": "by risk class (floor)", "debtor_type": "by debtor type",
           "officer": "by officer", "total": "total", "code": "code", "name": "name",
           "use": "how to use it lawfully", "tactic": "tactic", "kind": "deadline kind",
           "status": "status", "listed": "deadlines listed", "unassigned": "unassigned"},
}  # fmt: skip
GROUP_LABELS = {"band": lambda v, lang: v, "risk_class": class_label,
                "debtor_type": type_label, "officer": lambda v, lang: v}  # fmt: skip


def worklist_book(result: TriageResult, ledger: Ledger, lang: str) -> dict[str, Sheet]:
    words, names = WORDS[lang], SHEET_NAMES[lang]
    listed = words[f"listed_{result.by}"]
    overview: list[tuple[str, Any, Any]] = [
        *_provenance(result.as_of, ledger, words),
        (listed, len(result.rows), result.total_balance),
        (words["npl"], None, result.npl_balance),
    ]
    for group, table in result.totals.items():
        overview.append(("", None, None))
        overview.append((words[group], None, None))
        label = GROUP_LABELS[group]
        for value, row in table.iterrows():
            shown = label(str(value), lang) if str(value) else words["unassigned"]
            overview.append((f"  {shown}", int(row["count"]), float(row["balance"])))
    rows = for_people(result.rows, lang)
    footer = _totals_row(result.rows, words["total"], ("loans", "balance"))
    sheets = {
        names["summary"]: _summary(overview, words),
        names["worklist"]: Sheet(
            rows,
            amounts=_labels(["balance"], lang),
            footer=footer,
            wrapped=_labels(["reasons", "tactics"], lang),
        ),  # fmt: skip
    }
    return {**sheets, **_rejects(ledger, lang), names["legend"]: _tactic_legend(lang)}


def deadlines_book(
    result: LimitationResult, ledger: Ledger, lang: str, *, whole: bool = True
) -> dict[str, Sheet]:
    """`whole`: the rows are the whole list (else one officer's part, without the portfolio's
    counts by status)."""
    words, names = WORDS[lang], SHEET_NAMES[lang]
    overview: list[tuple[str, Any, Any]] = [*_provenance(result.as_of, ledger, words)]
    if whole:
        overview.append(("", None, None))
        overview.append((words["status"], None, None))
        for status, count in result.counts.items():
            overview.append((f"  {code_label(status, lang)}", count, None))
    listed = result.rows.groupby(["kind", "status"], sort=False, observed=True).size()
    overview.append(("", None, None))
    overview.append((words["listed"], int(listed.sum()), None))
    for row in listed.reset_index(name="n").itertuples(index=False):
        text = f"  {kind_label(str(row.kind), lang)} · {code_label(str(row.status), lang)}"
        overview.append((text, int(str(row.n)), None))
    rows = for_people(result.rows, lang)
    sheets = {
        names["summary"]: _summary(overview, words),
        names["deadlines"]: Sheet(
            rows, amounts=_labels(["balance"], lang), wrapped=_labels(["basis", "action"], lang)
        ),  # fmt: skip
    }
    return {**sheets, **_rejects(ledger, lang), names["legend"]: _deadline_legend(lang)}


def _provenance(as_of: pd.Timestamp, ledger: Ledger, words: dict[str, str]) -> list[Any]:
    return [
        (f"{words['as_of']}: {as_of:%Y-%m-%d}", None, None),
        (f"{words['file']}: {ledger.file}", None, None),
        (words["rows_read"], ledger.rows_read, None),
        (f"  {words['rows_used']}", ledger.rows_used, None),
        (f"  {words['rows_rejected']}", ledger.rows_rejected, None),
        (f"  {words['rows_skipped']}", ledger.rows_skipped, None),
    ]


def _summary(lines: list[tuple[str, Any, Any]], words: dict[str, str]) -> Sheet:
    frame = pd.DataFrame(
        {
            words["item"]: [line[0] for line in lines],
            words["count"]: pd.array([line[1] for line in lines], dtype="Int64"),
            words["balance"]: pd.Series([line[2] for line in lines], dtype="Float64").round(2),
        }
    )
    return Sheet(frame, amounts=frozenset([words["balance"]]))


def _totals_row(rows: pd.DataFrame, label: str, summed: Iterable[str]) -> list[Any]:
    wanted = set(summed)
    cells: list[Any] = [label]
    for column in list(rows.columns)[1:]:
        cells.append(round(float(rows[column].sum()), 2) if column in wanted else None)
    return cells


def _rejects(ledger: Ledger, lang: str) -> dict[str, Sheet]:
    if ledger.rejects.empty:
        return {}
    return {SHEET_NAMES[lang]["rejects"]: Sheet(for_people(ledger.rejects, lang))}


def _tactic_legend(lang: str) -> Sheet:
    words = WORDS[lang]
    frame = pd.DataFrame(
        {
            words["code"]: list(TACTICS),
            words["name"]: [TACTICS[c][0] if lang == "zh" else TACTICS[c][1] for c in TACTICS],
            words["use"]: [TACTIC_USE[c][0 if lang == "zh" else 1] for c in TACTICS],
        }
    )
    return Sheet(frame, wrapped=frozenset([words["use"]]))


def _deadline_legend(lang: str) -> Sheet:
    words = WORDS[lang]
    side = 0 if lang == "zh" else 1
    codes = [*KIND_USE, *STATUS_USE]
    frame = pd.DataFrame(
        {
            words["code"]: codes,
            words["name"]: [kind_label(c, lang) for c in KIND_USE]
            + [code_label(c, lang) for c in STATUS_USE],
            words["use"]: [KIND_USE[c][side] for c in KIND_USE]
            + [STATUS_USE[c][side] for c in STATUS_USE],
        }
    )
    return Sheet(frame, wrapped=frozenset([words["use"]]))


def _labels(columns: list[str], lang: str) -> frozenset[str]:
    return frozenset(column_label(c, lang) for c in columns)
