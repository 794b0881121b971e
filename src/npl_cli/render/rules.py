"""`npl rules show` on screen: the rules in force, first match first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from npl_cli.render.labels import type_label
from npl_cli.rules import Rule, describe

TITLE = {"en": "debtor-type rules (first match wins; otherwise unclassified)",
         "zh": "客户类型规则（按顺序取第一条符合的；都不符合则为待调研）"}  # fmt: skip
HEADERS = {"en": ("#", "rule", "type", "when"), "zh": ("序号", "规则", "类型", "条件")}


def render_rules(rules: Sequence[Rule], console: Console, *, lang: str = "en") -> None:
    table = Table(title=TITLE[lang], title_justify="left")
    for name in HEADERS[lang]:
        table.add_column(name, overflow="fold")
    for number, rule in enumerate(rules, start=1):
        table.add_row(str(number), rule.name, type_label(rule.type, lang), describe(rule.when))
    console.print(table)
