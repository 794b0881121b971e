"""`npl report` for people: rich tables with inline bars on screen; a workbook with a summary
sheet, a sheet per section and native charts (trend, classes, migration heat map)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from npl_cli.export import Chart, Sheet
from npl_cli.pipeline.report import PortfolioReport
from npl_cli.render.labels import class_label, column_label
from npl_cli.schema import RISK_CLASSES

BAR = 20  # cells of a full bar
WORDS: dict[str, dict[str, str]] = {
    "zh": {"title": "资产质量报告", "loans": "贷款笔数", "balance": "贷款余额",
           "npl_ledger": "不良贷款率（台账分类）", "npl_floor": "不良贷款率（逾期下限）",
           "under": "应调未调余额", "class": "五级分类", "ledger": "台账分类", "floor": "逾期下限",
           "migration": "迁徙率", "normal": "正常类", "special_mention": "关注类",
           "substandard": "次级类", "doubtful": "可疑类", "normal_loans": "正常贷款",
           "rate": "迁徙率", "cohort": "期初余额", "reduced": "期间减少", "moved": "迁徙至更差",
           "provisions": "拨备（参考比例估算）", "required": "应计提拨备", "held": "实际拨备",
           "loan_provision_ratio": "贷款拨备率", "coverage_ratio": "拨备覆盖率",
           "line": "监管参考线",
           "collections": "清收成效", "cash": "收回现金", "reduced_overdue": "逾期贷款余额下降",
           "cure": "逾期贷款转正常比例", "promises": "还款承诺（作出/履行/违约/未到期）",
           "deadlines": "期内到期的法定期限（已保全/已届满）", "trend": "趋势", "as_of": "日期",
           "item": "项目", "value": "数值", "summary": "汇总", "by": "分布", "dimension": "维度",
           "from": "期初", "to": "期末", "matrix": "五级分类迁移矩阵", "rolls": "账龄迁徙",
           "region": "地区", "branch": "支行", "officer": "客户经理", "product": "贷款品种",
           "customer_type": "客户群体", "gone": "已结清或移出", "unclassified": "未分类",
           "none": "—"},
    "en": {"title": "portfolio report", "loans": "loans", "balance": "balance",
           "npl_ledger": "NPL ratio (ledger class)", "npl_floor": "NPL ratio (overdue floor)",
           "under": "under-classified balance", "class": "class", "ledger": "ledger",
           "floor": "floor", "migration": "migration rates", "normal": "normal",
           "special_mention": "special mention", "substandard": "substandard",
           "doubtful": "doubtful", "normal_loans": "normal loans (normal + special mention)",
           "rate": "rate", "cohort": "start balance", "reduced": "left (期间减少)",
           "moved": "now worse", "provisions": "provisions (reference rates, an estimate)",
           "required": "required", "held": "held", "loan_provision_ratio": "loan provision ratio",
           "coverage_ratio": "coverage ratio", "line": "reference line",
           "collections": "collection results", "cash": "cash collected",
           "reduced_overdue": "overdue balance reduced", "cure": "cure rate",
           "promises": "promises (made / kept / broken / open)",
           "deadlines": "deadlines due in the period (met / missed)", "trend": "trend",
           "as_of": "as of", "item": "item", "value": "value", "summary": "summary", "by": "by",
           "dimension": "dimension", "from": "from", "to": "to", "matrix": "class matrix",
           "rolls": "roll rates", "region": "region", "branch": "branch", "officer": "officer",
           "product": "product", "customer_type": "customer type", "gone": "gone",
           "unclassified": "unclassified", "none": "—"},
}  # fmt: skip


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def _bar(value: float | None, full: float = 1.0) -> str:
    if value is None or full <= 0:
        return ""
    cells = int(round(min(value / full, 1.0) * BAR))
    return "█" * cells + "·" * (BAR - cells)


def render_report(result: PortfolioReport, console: Console, *, lang: str) -> None:
    words, data = WORDS[lang], result.payload
    period = f"{data['from']} → {data['as_of']}" if data["from"] else data["as_of"]
    console.print(f"[bold]{words['title']} {period}[/bold]")
    head = Table(show_header=False, box=None)
    for _ in range(3):
        head.add_column(no_wrap=True)
    head.add_row(words["loans"], f"{data['loans']:,}", "")
    head.add_row(words["balance"], f"¥{data['balance']:,.0f}", "")
    for key, basis in (("npl_ledger", "ledger"), ("npl_floor", "floor")):
        ratio = data["npl"][basis]["ratio"]
        head.add_row(words[key], _percent(ratio), _bar(ratio, 0.5))
    under = data["under_classified"]
    head.add_row(words["under"], f"¥{under['balance']:,.0f} ({under['loans']:,})", "")
    console.print(head)
    console.print(_class_table(data, words, lang))
    if data["migration"]:
        console.print(_migration_table(data["migration"], words))
    console.print(_provision_table(data["provisions"], words))
    if data["collections"]:
        console.print(_collection_table(data["collections"], words))
    if len(data["trend"]) > 1:
        console.print(_trend_table(data["trend"], words))


def _class_table(data: dict[str, Any], words: dict[str, str], lang: str) -> Table:
    table = Table(title=words["class"], title_justify="left")
    table.add_column(words["class"], no_wrap=True)
    for basis in ("ledger", "floor"):
        table.add_column(words[basis], justify="right", no_wrap=True)
        table.add_column("", no_wrap=True)
    total = data["balance"] or 1.0
    for row in data["by_class"]:
        cells = [class_label(row["class"], lang)]
        for basis in ("ledger", "floor"):
            amount = row[f"{basis}_balance"]
            cells += [f"{amount:,.0f}", _bar(amount / total)]
        table.add_row(*cells)
    return table


def _migration_table(migration: dict[str, Any], words: dict[str, str]) -> Table:
    table = Table(title=words["migration"], title_justify="left")
    for name in ("class", "cohort", "reduced", "moved", "rate"):
        table.add_column(words[name], justify="left" if name == "class" else "right", no_wrap=True)
    for key in ("normal", "special_mention", "substandard", "doubtful", "normal_loans"):
        row = migration[key]
        table.add_row(words[key], f"{row['start_balance']:,.0f}", f"{row['reduced']:,.0f}",
                      f"{row['moved_worse']:,.0f}", _percent(row["rate"]))  # fmt: skip
    return table


def _provision_table(provisions: dict[str, Any], words: dict[str, str]) -> Table:
    table = Table(title=words["provisions"], title_justify="left")
    for name in ("item", "value", "line"):
        table.add_column(words[name], justify="left" if name == "item" else "right", no_wrap=True)
    table.add_row(words["required"], f"¥{provisions['required']:,.0f}", "")
    if provisions["held"] is not None:
        table.add_row(words["held"], f"¥{provisions['held']:,.0f}", "")
    table.add_row(words["loan_provision_ratio"], _percent(provisions["loan_provision_ratio"]),
                  _percent(provisions["loan_provision_line"]))  # fmt: skip
    table.add_row(words["coverage_ratio"], _percent(provisions["coverage_ratio"]),
                  _percent(provisions["coverage_line"]))  # fmt: skip
    return table


def _collection_table(collections: dict[str, Any], words: dict[str, str]) -> Table:
    table = Table(title=f"{words['collections']} {collections['from']} → {collections['to']}",
                  title_justify="left", show_header=False)  # fmt: skip
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    promises, deadlines = collections["promises"], collections["deadlines"]
    table.add_row(words["cash"], f"¥{collections['cash_collected']:,.0f}")
    table.add_row(words["reduced_overdue"], f"¥{collections['overdue_balance_reduced']:,.0f}")
    table.add_row(words["cure"], _percent(collections["cure_rate"]))
    table.add_row(words["promises"], " / ".join(str(promises[k]) for k in
                                                 ("made", "kept", "broken", "open")))  # fmt: skip
    table.add_row(words["deadlines"], f"{deadlines['met']} / {deadlines['missed']}")
    return table


def _trend_table(trend: list[dict[str, Any]], words: dict[str, str]) -> Table:
    table = Table(title=words["trend"], title_justify="left")
    for name in ("as_of", "balance", "npl_ledger", "npl_floor"):
        table.add_column(words[name], justify="left" if name == "as_of" else "right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for point in trend:
        table.add_row(point["as_of"], f"{point['balance']:,.0f}",
                      _percent(point["npl_ledger_ratio"]), _percent(point["npl_floor_ratio"]),
                      _bar(point["npl_ledger_ratio"], 0.5))  # fmt: skip
    return table


# --- the workbook ------------------------------------------------------------------------


def report_book(result: PortfolioReport, lang: str) -> dict[str, Sheet]:
    words, data = WORDS[lang], result.payload
    sheets = {words["summary"]: _summary_sheet(data, words)}
    classes = pd.DataFrame(data["by_class"])
    classes.insert(0, words["class"], [class_label(c, lang) for c in classes.pop("class")])
    classes = classes.rename(columns=lambda c: _label(c, lang))
    amounts = frozenset(_label(c, lang) for c in ("ledger_balance", "floor_balance"))
    sheets[words["class"]] = Sheet(
        classes,
        amounts=amounts,
        charts=(
            Chart("column", words["class"], words["class"], tuple(sorted(amounts)), anchor="H2"),
        ),
    )
    sheets[words["by"]] = _breakdown_sheet(data["by"], words, lang)
    if data["migration"]:
        sheets[words["migration"]] = _migration_sheet(data["migration"], words, lang)
    if len(data["trend"]) > 1:
        points = [{k: v for k, v in p.items() if k != "overdue_by_band"} for p in data["trend"]]
        trend = pd.DataFrame(points).rename(columns=lambda c: _label(c, lang))
        ratios = (_label("npl_ledger_ratio", lang), _label("npl_floor_ratio", lang))
        sheets[words["trend"]] = Sheet(
            trend,
            percents=frozenset(ratios),
            charts=(Chart("line", words["trend"], _label("as_of", lang), ratios, percent=True),),
        )
    if result.rolls is not None:
        shares = frozenset(_label(c, lang) for c in ("loan_share", "balance_share"))
        rolls = result.rolls.rename(columns=lambda c: _label(c, lang))
        sheets[words["rolls"]] = Sheet(rolls, percents=shares)
    return sheets


def _label(column: str, lang: str) -> str:
    extra = {"zh": {"ledger_loans": "台账分类笔数", "ledger_balance": "台账分类余额",
                    "floor_loans": "逾期下限笔数", "floor_balance": "逾期下限余额",
                    "npl_ledger_balance": "不良余额（台账）", "npl_ledger_ratio": "不良率（台账）",
                    "npl_floor_balance": "不良余额（下限）", "npl_floor_ratio": "不良率（下限）",
                    "as_of": "日期", "from_class": "期初分类", "to_class": "期末分类",
                    "start_balance": "期初余额", "end_balance": "期末余额"},
             "en": {}}  # fmt: skip
    return extra[lang].get(column) or column_label(column, lang)


def _summary_sheet(data: dict[str, Any], words: dict[str, str]) -> Sheet:
    """The key figures, one line each, written as people read them."""
    provisions = data["provisions"]
    rows: list[tuple[str, str]] = [
        (words["to"], data["as_of"]),
        (words["from"], data["from"] or words["none"]),
        (words["loans"], f"{data['loans']:,}"),
        (words["balance"], f"{data['balance']:,.2f}"),
        (words["npl_ledger"], _percent(data["npl"]["ledger"]["ratio"])),
        (words["npl_floor"], _percent(data["npl"]["floor"]["ratio"])),
        (words["under"], f"{data['under_classified']['balance']:,.2f}"),
        (words["required"], f"{provisions['required']:,.2f}"),
        (words["loan_provision_ratio"], _percent(provisions["loan_provision_ratio"])),
        (words["coverage_ratio"], _percent(provisions["coverage_ratio"])),
    ]
    if data["migration"]:
        rate = data["migration"]["normal_loans"]["rate"]
        rows.append((f"{words['migration']} · {words['normal_loans']}", _percent(rate)))
    if data["collections"]:
        rows.append((words["cash"], f"{data['collections']['cash_collected']:,.2f}"))
        rows.append((words["cure"], _percent(data["collections"]["cure_rate"])))
    return Sheet(pd.DataFrame(rows, columns=[words["item"], words["value"]]))


def _breakdown_sheet(
    by: dict[str, list[dict[str, Any]]], words: dict[str, str], lang: str
) -> Sheet:
    parts = [pd.DataFrame(rows).assign(dimension=words[name]) for name, rows in by.items() if rows]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if frame.empty:
        return Sheet(frame)
    frame = frame[["dimension", *[c for c in frame.columns if c != "dimension"]]]
    frame = frame.rename(columns={"dimension": words["dimension"], "value": words["value"]})
    frame = frame.rename(columns=lambda c: _label(c, lang))
    ratios = frozenset(_label(c, lang) for c in ("npl_ledger_ratio", "npl_floor_ratio"))
    amounts = frozenset(_label(c, lang) for c in ("balance", "npl_ledger_balance",
                                                   "npl_floor_balance"))  # fmt: skip
    return Sheet(frame, amounts=amounts, percents=ratios)


def _migration_sheet(migration: dict[str, Any], words: dict[str, str], lang: str) -> Sheet:
    matrix = pd.DataFrame(migration["matrix"])
    names = {**{c: class_label(c, lang) for c in RISK_CLASSES}, "gone": words["gone"],
             "unclassified": words["unclassified"]}  # fmt: skip
    heat = matrix.pivot_table(index="from_class", columns="to_class", values="start_balance",
                              aggfunc="sum", fill_value=0.0, sort=False)  # fmt: skip
    order = [*RISK_CLASSES, "unclassified", "gone"]
    rows = [c for c in order if c in heat.index]
    heat = heat.reindex(index=rows, columns=[c for c in order if c in heat.columns],
                        fill_value=0.0)  # fmt: skip
    heat.index = [names[c] for c in heat.index]
    heat.columns = [names[c] for c in heat.columns]
    frame = heat.reset_index(names=_label("from_class", lang))
    rates = [migration[k]["rate"] for k in ("normal", "special_mention", "substandard", "doubtful")]
    frame[words["rate"]] = (rates + [None] * len(frame))[: len(frame)]
    columns = [str(c) for c in heat.columns]
    return Sheet(frame, amounts=frozenset(columns), percents=frozenset([words["rate"]]),
                 color_scale=(columns[0], columns[-1]) if columns else None)  # fmt: skip
