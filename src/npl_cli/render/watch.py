"""`npl watch` on screen: the warning list, and the back-test's figures."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from npl_cli.pipeline.watch import WatchResult
from npl_cli.render.labels import code_label
from npl_cli.render.mask import mask_for_screen
from npl_cli.render.workspace import print_frame

SHOWN = [
    "rank",
    "loan_id",
    "debtor_name",
    "balance",
    "dpd",
    "ledger_class",
    "score",
    "level",
    "reasons",
    "suggested_actions",
]


def render_watch(result: WatchResult, console: Console, *, lang: str, mask: bool, top: int) -> None:
    rows = result.rows.head(top)
    shown = mask_for_screen(rows) if mask else rows.copy()
    shown["level"] = shown["level"].map(lambda level: code_label(level, lang))
    columns = [c for c in SHOWN if c in shown]
    if result.by == "debtor":
        columns = ["rank", "debtor_name", "loans", *columns[3:]]
    title = (
        f"预警清单（{result.as_of:%Y-%m-%d}）：共 {len(result.rows):,}，列出前 {len(rows):,}"
        if lang == "zh"
        else f"warning list as of {result.as_of:%Y-%m-%d}: top {len(rows):,} of "
        f"{len(result.rows):,}"
    )
    print_frame(console, shown, columns, title, lang)


def render_backtest(result: dict[str, Any], console: Console, *, lang: str) -> None:
    zh = lang == "zh"

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    table = Table(
        title=f"预警回测（{result['horizon_months']} 个月）"
        if zh
        else f"back-test ({result['horizon_months']} months)",
        show_header=False,
    )
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    lines = [
        ("期数" if zh else "periods", str(len(result["periods"]))),
        ("评分笔数" if zh else "loans scored", f"{result['scored']:,}"),
        ("预警（红、橙）" if zh else "flagged (red, amber)", f"{result['flagged']:,}"),
        ("预警命中率" if zh else "hit rate, flagged", share(result["flagged_hit_rate"])),
        ("未预警命中率" if zh else "hit rate, not flagged", share(result["unflagged_hit_rate"])),
        ("提升度" if zh else "lift", "—" if result["lift"] is None else f"{result['lift']:.2f}"),
        ("召回率" if zh else "recall", share(result["recall"])),
        ("AUC", "—" if result["auc"] is None else f"{result['auc']:.3f}"),
    ]
    for label, value in lines:
        table.add_row(label, value)
    console.print(table)
    rules = Table(title="各规则" if zh else "by rule")
    for name in ("规则", "触发", "命中率") if zh else ("rule", "fired", "hit rate"):
        rules.add_column(
            name, justify="left" if name in ("规则", "rule") else "right", no_wrap=True
        )
    for rule in result["rules"]:
        rules.add_row(rule["name"], f"{rule['fired']:,}", share(rule["hit_rate"]))
    console.print(rules)


def render_calibration(result: dict[str, Any], console: Console, *, lang: str) -> None:
    zh = lang == "zh"

    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    table = Table(title="预警规则校准" if zh else "calibration", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    lines = [
        ("期数" if zh else "periods", str(len(result["periods"]))),
        ("评分笔数" if zh else "loans scored", f"{result['scored']:,}"),
        ("其中变坏" if zh else "of which went bad", f"{result['bad']:,}"),
        ("AUC（现分值）" if zh else "AUC, points today", figure(result["auc_before"])),
        ("AUC（建议分值）" if zh else "AUC, suggested points", figure(result["auc_after"])),
    ]
    held = result["out_of_time"]
    if held:
        label = f"{held['period']} 样本外 AUC" if zh else f"{held['period']} out of time AUC"
        lines += [
            (label + ("（现分值）" if zh else ", today"), figure(held["auc_before"])),
            (label + ("（建议分值）" if zh else ", suggested"), figure(held["auc_after"])),
        ]
    for label, value in lines:
        table.add_row(label, value)
    console.print(table)
    rules = Table(title="各规则建议分值" if zh else "suggested points by rule")
    headers = (
        ("规则", "现分值", "建议分值", "系数", "触发")
        if zh
        else ("rule", "points", "suggested", "coefficient", "fired")
    )
    for index, name in enumerate(headers):
        rules.add_column(name, justify="left" if index == 0 else "right", no_wrap=True)
    for rule in result["rules"]:
        rules.add_row(
            rule["name"],
            f"{rule['points']:g}",
            f"{rule['suggested']:g}",
            f"{rule['coefficient']:+.3f}",
            f"{rule['fired']:,}",
        )
    console.print(rules)
