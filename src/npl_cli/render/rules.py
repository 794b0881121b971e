"""`npl rules show` on screen: the rules in force, first match first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from npl_cli.rules import Rule, describe


def render_rules(rules: Sequence[Rule], console: Console) -> None:
    table = Table(
        title="debtor-type rules (first match wins; otherwise unclassified)", title_justify="left"
    )
    for name in ("#", "rule", "type", "when"):
        table.add_column(name, overflow="fold")
    for number, rule in enumerate(rules, start=1):
        table.add_row(str(number), rule.name, rule.type, describe(rule.when))
    console.print(table)
