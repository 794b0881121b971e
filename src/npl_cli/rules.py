"""Debtor-type rules: data with a closed vocabulary, checked at load, evaluated as masks.

A rule is a table: `name`, `type` (a debtor type) and `when`, a condition:
    { field = "dpd", gt = 90 }                         one operator per leaf
    { all = [ ... ] }, { any = [ ... ] }, { not = { ... } }
Operators: eq, ne, lt, lte, gt, gte, in, not_in, between, is_null, not_null, contains_any,
within_days (a date within N days before as-of), not_within_days (missing, or older than that).
Comparisons with a missing value are false. The first rule that matches wins. No user text is
ever evaluated as code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from npl_cli.config import MAX_WORD, MAX_WORDS
from npl_cli.errors import ConfigError, did_you_mean
from npl_cli.schema import COLUMN_BY_NAME, DEBTOR_TYPES
from npl_cli.survey import SURVEY_FIELDS
from npl_cli.text import contains_any

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "between", "is_null",
             "not_null", "contains_any", "within_days", "not_within_days")  # fmt: skip
GROUPS = ("all", "any", "not")
# Fields every debtor row has beyond the ledger's own columns.
DERIVED_FIELDS = ("loans", "balance", "dpd", "band", "risk_class", "under_classified",
                  "next_deadline", "next_deadline_kind", "days_left", "expired_deadlines",
                  "has_guarantor", "has_collateral", "stage", "last_contact_date",
                  "paid_since_snapshot", "promises_kept", "promises_broken",
                  "open_promise_date", "open_promise_amount", "reached_since_snapshot",
                  "last_action", "last_action_date")  # fmt: skip
RULE_TYPES = tuple(t for t in DEBTOR_TYPES if t != "unclassified")


@dataclass(frozen=True)
class Leaf:
    field: str
    operator: str
    value: Any


@dataclass(frozen=True)
class Group:
    kind: str  # all | any | not
    children: tuple[Condition, ...]


Condition = Leaf | Group


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    when: Condition
    note: str = ""


def known_fields(extra: Sequence[str] = ()) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*COLUMN_BY_NAME, *DERIVED_FIELDS, *SURVEY_FIELDS, *extra)))


MAX_DEPTH = 8  # all/any/not nested deeper than this is a mistake, not a rule


def compile_rules(raw: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> list[Rule]:
    """Check every rule against the fields and the operators, and report every problem at
    once: each names its rule and suggests the closest name."""
    rules = []
    names: set[str] = set()
    problems: list[str] = []
    for index, entry in enumerate(raw, start=1):
        name = str(entry.get("name") or f"rule {index}")
        where = f"rule '{name}'"
        try:
            if name in names:
                raise ConfigError(f"{where}: the name is used twice; give each rule its own name")
            names.add(name)
            kind = entry.get("type")
            if kind not in RULE_TYPES:
                raise ConfigError(
                    f"{where}: type '{kind}' is not a debtor type; use one of "
                    f"{', '.join(RULE_TYPES)}{did_you_mean(str(kind), RULE_TYPES)}"
                )
            if "when" not in entry:
                raise ConfigError(f"{where}: has no 'when' condition")
            condition = _condition(entry["when"], fields, where)
            rules.append(Rule(name, str(kind), condition, str(entry.get("note", ""))))
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        count = f"{len(problems)} problems: " if len(problems) > 1 else ""
        raise ConfigError(count + "; ".join(problems))
    return rules


def compile_condition(raw: Any, fields: Sequence[str], where: str) -> Condition:
    """One condition checked against `fields` (for the warning rules, which share the
    vocabulary)."""
    return _condition(raw, fields, where)


def _condition(raw: Any, fields: Sequence[str], where: str, depth: int = 0) -> Condition:
    if depth > MAX_DEPTH:
        raise ConfigError(f"{where}: conditions nested more than {MAX_DEPTH} deep; simplify it")
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f'{where}: a condition must be a table such as {{ field = "dpd", gt = 90 }}'
        )
    groups = [k for k in raw if k in GROUPS]
    if groups:
        if len(raw) != 1:
            raise ConfigError(f"{where}: '{groups[0]}' must stand alone in its table")
        kind = groups[0]
        body = raw[kind]
        if kind == "not":
            return Group("not", (_condition(body, fields, where, depth + 1),))
        if not isinstance(body, list) or not body:
            raise ConfigError(f"{where}: '{kind}' needs a non-empty list of conditions")
        return Group(kind, tuple(_condition(item, fields, where, depth + 1) for item in body))
    if "field" not in raw:
        unknown = next(iter(raw), "")
        raise ConfigError(
            f"{where}: unknown operator '{unknown}'{did_you_mean(str(unknown), GROUPS + OPERATORS)}"
        )
    field = str(raw["field"])
    if field not in fields:
        raise ConfigError(f"{where}: unknown field '{field}'{did_you_mean(field, list(fields))}")
    operators = [k for k in raw if k != "field"]
    if len(operators) != 1:
        raise ConfigError(
            f"{where}: field '{field}' needs exactly one operator, got {len(operators)}"
        )
    operator = operators[0]
    if operator not in OPERATORS:
        raise ConfigError(
            f"{where}: unknown operator '{operator}'{did_you_mean(operator, OPERATORS)}"
        )
    return Leaf(field, operator, _checked_value(operator, raw[operator], where))


def _checked_value(operator: str, value: Any, where: str) -> Any:
    if operator in ("in", "not_in", "contains_any"):
        if not isinstance(value, list) or not value:
            raise ConfigError(f"{where}: '{operator}' needs a non-empty list")
        if operator == "contains_any" and not all(
            isinstance(v, str) and 0 < len(v) <= MAX_WORD for v in value
        ):
            raise ConfigError(f"{where}: 'contains_any' needs words (text of 1-{MAX_WORD} chars)")
        if len(value) > MAX_WORDS:
            raise ConfigError(f"{where}: '{operator}' lists more than {MAX_WORDS} values")
    elif operator in ("lt", "lte", "gt", "gte"):
        if not isinstance(value, int | float | str) or isinstance(value, bool):
            raise ConfigError(f"{where}: '{operator}' needs a number or a date, got {value!r}")
    elif operator == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise ConfigError(f"{where}: 'between' needs [low, high]")
    elif operator in ("within_days", "not_within_days"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: '{operator}' needs a whole number of days")
    elif operator in ("is_null", "not_null") and not isinstance(value, bool):
        raise ConfigError(f"{where}: '{operator}' takes true or false")
    return value


def fields_used(rules: Sequence[Rule]) -> set[str]:
    """Every field the rules read."""
    found: set[str] = set()

    def visit(condition: Condition) -> None:
        if isinstance(condition, Leaf):
            found.add(condition.field)
        else:
            for child in condition.children:
                visit(child)

    for rule in rules:
        visit(rule.when)
    return found


# --- evaluation -------------------------------------------------------------------------------


def evaluate(condition: Condition, frame: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    if isinstance(condition, Group):
        masks = [evaluate(child, frame, as_of) for child in condition.children]
        if condition.kind == "not":
            return ~masks[0]
        combined = np.logical_and.reduce if condition.kind == "all" else np.logical_or.reduce
        return np.asarray(combined(masks), dtype=bool)
    if condition.field not in frame:
        return np.zeros(len(frame), dtype=bool)  # a column this ledger lacks matches nothing
    return _leaf(condition, frame[condition.field], as_of)


def _comparable(column: pd.Series, value: Any) -> tuple[Any, Any]:
    """The column and the value in a form that compares: dates as dates, ordered categories
    (band, risk_class) by their order, numbers as numbers."""
    if isinstance(column.dtype, pd.CategoricalDtype) and column.cat.ordered:
        categories = list(column.cat.categories)
        as_codes = column.cat.codes.astype(float).where(column.cat.codes >= 0)
        convert = lambda v: categories.index(v) if v in categories else np.nan  # noqa: E731
        return as_codes, [convert(v) for v in value] if isinstance(value, list) else convert(value)
    if pd.api.types.is_datetime64_any_dtype(column):
        convert_date = pd.Timestamp
        return column, [convert_date(v) for v in value] if isinstance(value, list) else (
            convert_date(value)
        )
    return column, value


def _leaf(leaf: Leaf, column: pd.Series, as_of: pd.Timestamp) -> np.ndarray:
    op, value = leaf.operator, leaf.value
    present = column.notna().to_numpy()
    if op == "is_null":
        return ~present if value else present
    if op == "not_null":
        return present if value else ~present
    if op == "contains_any":
        return contains_any(column, value)
    if op in ("within_days", "not_within_days"):
        dates = pd.to_datetime(column, errors="coerce")
        start = pd.Timestamp(as_of).normalize() - pd.Timedelta(days=value)
        inside = ((dates >= start) & (dates <= pd.Timestamp(as_of))).fillna(False).to_numpy()
        inside = np.asarray(inside, dtype=bool)
        return inside if op == "within_days" else ~inside & ~(dates > as_of).fillna(False)
    series, target = _comparable(column, value)
    if op in ("in", "not_in"):
        hit = np.asarray(series.isin(target), dtype=bool) & present
        return hit if op == "in" else ~hit & present
    if op == "between":
        low, high = target
        result = (series >= low) & (series <= high)
    else:
        result = {
            "eq": series == target,
            "ne": series != target,
            "lt": series < target,
            "lte": series <= target,
            "gt": series > target,
            "gte": series >= target,
        }[op]
    return np.asarray(pd.Series(result).fillna(False), dtype=bool) & present


def classify(
    rules: Sequence[Rule], frame: pd.DataFrame, as_of: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """(debtor_type, rule name) per row: the first rule that matches; 'unclassified' with an
    empty rule name when none does."""
    kinds = np.full(len(frame), "unclassified", dtype=object)
    names = np.full(len(frame), "", dtype=object)
    open_rows = np.ones(len(frame), dtype=bool)
    for rule in rules:
        if not open_rows.any():
            break
        hit = evaluate(rule.when, frame, as_of) & open_rows
        kinds[hit] = rule.type
        names[hit] = rule.name
        open_rows &= ~hit
    return kinds, names


def describe(condition: Condition) -> str:
    """A condition in words, for `npl rules show`."""
    if isinstance(condition, Group):
        if condition.kind == "not":
            return f"not ({describe(condition.children[0])})"
        joined = f" {'and' if condition.kind == 'all' else 'or'} ".join(
            describe(child) for child in condition.children
        )
        return f"({joined})" if len(condition.children) > 1 else joined
    value = condition.value
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    words = {
        "eq": "=",
        "ne": "≠",
        "lt": "<",
        "lte": "≤",
        "gt": ">",
        "gte": "≥",
        "in": "in",
        "not_in": "not in",
        "between": "between",
        "contains_any": "contains any of",
        "within_days": "within days:",
        "not_within_days": "not within days:",
    }
    if condition.operator in ("is_null", "not_null"):
        empty = (condition.operator == "is_null") == bool(value)
        return f"{condition.field} is {'empty' if empty else 'present'}"
    return f"{condition.field} {words[condition.operator]} {shown}"
