"""`npl triage`: the prioritised worklist, and the action log applied to a ledger."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from npl_cli.aging import (
    age,
    apply_debtor_contagion,
    bands,
    finish_classes,
)
from npl_cli.config import Settings
from npl_cli.deadlines import (
    KINDS,
    STATUSES,
    Deadlines,
    compute_deadlines,
)
from npl_cli.deadlines.codes import ACTION_CASES
from npl_cli.debtors import TEXT_COLUMNS, debtor_keys, debtor_order, rollup
from npl_cli.errors import InputError
from npl_cli.followup import without_log
from npl_cli.ledger import Ledger
from npl_cli.measure import ratio, size_and_quality
from npl_cli.messages import Said, merged_notes, said, tally
from npl_cli.nextstep import next_steps
from npl_cli.periods import act_by, days_between
from npl_cli.pipeline.limitation import deadline_settings
from npl_cli.priority import flags, reasons, score, tactics
from npl_cli.progress import QUIET, Progress
from npl_cli.rules import classify, compile_rules, fields_used, known_fields
from npl_cli.schema import (
    DEADLINE_KIND_LABELS,
    DEBTOR_TYPES,
    NPL_CLASSES,
    RISK_CLASS_LABELS,
    RISK_CLASSES,
    STAGE_LABELS,
)
from npl_cli.settings import AgingSettings
from npl_cli.stage import debtor_stages, loan_stages, stage_names
from npl_cli.survey import SURVEY_FIELDS, with_survey
from npl_cli.text import contains_any, counted


@dataclass(frozen=True)
class TriageFilters:
    regions: tuple[str, ...] = ()
    customer_types: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    min_balance: float | None = None
    include_current: bool = False  # debtors with nothing overdue and no deadline due
    officers: tuple[str, ...] = ()  # exact names: one officer's list is theirs alone
    branches: tuple[str, ...] = ()


@dataclass
class TriageResult:
    rows: pd.DataFrame  # the export columns, ranked
    as_of: pd.Timestamp
    by: str
    notes: list[str]
    kept: list[tuple[str, int]]  # (filter, rows left after it)
    totals: dict[str, pd.DataFrame]  # by band, class and type: count and balance
    npl_balance: float
    total_balance: float
    band_names: tuple[str, ...] = ()
    # the whole ledger's NPL ratio loan by loan (size_and_quality), never the worklist's
    portfolio: dict[str, Any] = field(default_factory=dict)

    def part(self, rows: pd.DataFrame) -> TriageResult:
        """The same result for some of its rows (one officer's file), totals and all."""
        return replace(self, rows=rows, **_summed(rows, self.band_names))


KEY_WORDS_ZH = {"ID number": "证件号码", "debtor name": "借款人名称", "loan id": "借据号",
                ", else ": "，其次按"}  # fmt: skip
FLAG_TEXT = ("contact_status", "notes", "ethnicity")  # read by the reasons and tactics
# what a collector needs to act, after the columns scripts already read (files carry them in
# full; screens mask them)
COLLECTOR_COLUMNS = ["officer", "branch", "phone", "address", "guarantors", "next_act_by"]
# what the action log changes, after those: where the case stands and the one next step
FOLLOWUP_COLUMNS = ["stage", "next_step", "last_action", "last_action_date",
                    "open_promise_date", "open_promise_amount", "open_promise_method"]  # fmt: skip
DEBTOR_COLUMNS = [
    "rank", "debtor_id", "debtor_name", "loans", "balance", "dpd", "band", "risk_class",
    "under_classified", "debtor_type", "rule", "next_deadline", "next_deadline_kind",
    "days_left", "priority", "tactics", "reasons", "region", "customer_type",
    *COLLECTOR_COLUMNS, *FOLLOWUP_COLUMNS,
]  # fmt: skip
LOAN_COLUMNS = [
    "rank", "loan_id", "debtor_id", "debtor_name", "loans", "balance", "dpd", "band",
    "risk_class", "ledger_class", "under_classified", "debtor_type", "rule", "next_deadline",
    "next_deadline_kind", "days_left", "priority", "tactics", "reasons", "region",
    "customer_type", *COLLECTOR_COLUMNS, *FOLLOWUP_COLUMNS,
]  # fmt: skip


def _contagion(moved: int) -> Said:
    return said(
        f"{counted(moved, 'loan')} of non-retail debtors with more than 10% NPL raised to "
        "substandard",
        f"不良占比超过 10% 的非零售借款人，其 {moved:,} 笔贷款上调为次级",
    )


KEY_SOURCES = ("ID number", "debtor name", "loan id")  # debtor_keys' labels, in its order


def _key_flags(key_source: str) -> int:
    return sum(1 << i for i, label in enumerate(KEY_SOURCES) if label in key_source)


def _key_note(flags: int) -> Said:
    """What tells debtors apart, unless it is the ID number alone (nothing to say)."""
    source = ", else ".join(label for i, label in enumerate(KEY_SOURCES) if flags & (1 << i))
    if source in ("", "ID number"):
        return said("", "")
    chinese = source
    for en, zh in KEY_WORDS_ZH.items():
        chinese = chinese.replace(en, zh)
    return said(f"debtors are told apart by {source}", "借款人按" + chinese + "区分")


def _nearest_deadlines(deadlines: Deadlines, count: int, group: np.ndarray) -> pd.DataFrame:
    """Per group (loan or debtor): the nearest deadline still to meet (due or ok), its kind
    and party (a guarantor's name; None for the borrower), and whether a claim limitation has
    expired."""
    table = deadlines.table
    status = table["status"].cat.codes.to_numpy()
    kind = table["kind"].cat.codes.to_numpy()
    owner = group[table["loan"].to_numpy()]
    live = np.flatnonzero((status == STATUSES.index("due")) | (status == STATUSES.index("ok")))
    # nearest date first, then the kind's order, then the row: one key, its minimum per group
    day = table["deadline"].to_numpy()[live].astype("datetime64[D]").view(np.int64)
    key = (day * len(KINDS) + kind[live]) * len(table) + live
    nearest = pd.Series(key).groupby(owner[live], sort=False).min()
    who, first = nearest.index.to_numpy(), nearest.to_numpy() % max(len(table), 1)
    next_deadline = np.full(count, np.datetime64("NaT", "ns"))
    next_deadline[who] = table["deadline"].to_numpy()[first]
    next_kind = np.full(count, None, dtype=object)
    next_kind[who] = np.asarray(KINDS, dtype=object)[kind[first]]
    guarantor = table["guarantor"].to_numpy()[first]
    names = np.asarray(deadlines.guarantors.to_numpy(zero_copy_only=False), dtype=object)
    next_party = np.full(count, None, dtype=object)
    named = guarantor >= 0
    next_party[who[named]] = names[guarantor[named]]
    next_case = np.full(count, None, dtype=object)  # what the deadline asks (joint, general …)
    next_case[who] = np.asarray(ACTION_CASES, dtype=object)[table["action"].to_numpy()[first]]
    next_last_day = np.full(count, np.datetime64("NaT", "ns"))
    next_last_day[who] = table["last_day"].to_numpy()[first]
    expired = status == STATUSES.index("expired")
    expired_claim = expired & (kind == KINDS.index("claim_limitation"))
    return pd.DataFrame({
        "next_deadline": next_deadline,
        "next_deadline_kind": pd.Series(next_kind, dtype=object),
        "next_party": pd.Series(next_party, dtype=object),
        "next_case": pd.Series(next_case, dtype=object),
        "next_last_day": next_last_day,
        "expired_claim": np.bincount(owner[expired_claim], minlength=count)[:count] > 0,
        "expired_deadlines": np.bincount(owner[expired], minlength=count)[:count],
    })  # fmt: skip


def _unit_frame(
    base: pd.DataFrame, nearest: pd.DataFrame, as_of: pd.Timestamp, aging: AgingSettings
) -> pd.DataFrame:
    """Add what the rules, the score and the export need to a debtor or loan frame."""
    unit = pd.concat([base.reset_index(drop=True), nearest], axis=1)
    today = pd.Timestamp(as_of).normalize().to_datetime64().astype("datetime64[ns]")
    unit["days_left"] = days_between(unit["next_deadline"].to_numpy(), today)
    unit["next_act_by"] = act_by(unit["next_deadline"].to_numpy())
    unit["band"] = bands(unit["dpd"].to_numpy(), aging)
    codes = unit["risk_class_code"].to_numpy().astype(np.int8)
    unit["risk_class"] = pd.Categorical.from_codes(
        codes, categories=pd.Index(RISK_CLASSES), ordered=True
    )
    if "under_ledger_code" not in unit:  # a loan: its own classes
        ledger_codes = unit["ledger_class_code"].to_numpy().astype(np.int8)
        under = unit["under_classified"].to_numpy(dtype=bool)
        unit["under_ledger_code"] = np.where(under, ledger_codes, -1)
        unit["under_floor_code"] = np.where(under, codes, -1)
    for column in ("under_ledger_code", "under_floor_code"):
        unit[column.replace("_code", "")] = pd.Categorical.from_codes(
            unit[column].to_numpy().astype(np.int8), categories=pd.Index(RISK_CLASSES)
        )

    def present(column: str) -> np.ndarray:
        if f"any_{column}" in unit:  # a debtor: any of its loans
            return unit[f"any_{column}"].to_numpy(dtype=bool)
        if column in unit:
            return unit[column].notna().to_numpy()
        return np.zeros(len(unit), dtype=bool)

    unit["has_guarantor"] = present("guarantors")
    has_collateral = present("collateral").copy()
    if "collateral_value" in unit:
        has_collateral |= np.nan_to_num(unit["collateral_value"].to_numpy(dtype=float)) > 0
    unit["has_collateral"] = has_collateral
    return unit


def _apply_filters(
    unit: pd.DataFrame, filters: TriageFilters, window: int, promised_by: pd.Timestamp
) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    kept = [("all", len(unit))]
    if not filters.include_current:
        status_due = unit["days_left"].to_numpy(dtype=float) <= window
        promised = np.asarray(unit["open_promise_date"], dtype="datetime64[ns]")
        promise_due = ~np.isnat(promised) & (promised <= np.datetime64(promised_by, "ns"))
        actionable = (
            (unit["dpd"].to_numpy() > 0)
            | status_due
            | unit["expired_claim"].to_numpy(dtype=bool)
            | promise_due
        )
        unit = unit[actionable]
        kept.append(("overdue, a deadline or a promise due", len(unit)))
    checks = [
        ("region", filters.regions, "region"),
        ("customer type", filters.customer_types, "customer_type"),
        ("product", filters.products, "product"),
        ("band", filters.bands, "band"),
        ("type", filters.types, "debtor_type"),
        ("officer", filters.officers, "officer"),
        ("branch", filters.branches, "branch"),
    ]
    for label, wanted, column in checks:
        if not wanted:
            continue
        if column not in unit:
            raise InputError(f"--{label.replace(' ', '-')}: the ledger has no {column} column")
        values = unit[column].astype(str)
        if column in ("band", "debtor_type", "officer", "branch"):
            mask = values.str.strip().isin(wanted).to_numpy()
        else:
            mask = contains_any(unit[column], wanted)
        unit = unit[mask]
        kept.append((f"{label} {', '.join(wanted)}", len(unit)))
    if filters.min_balance is not None:
        unit = unit[unit["balance"].to_numpy(dtype=float) >= filters.min_balance]
        kept.append((f"balance ≥ {filters.min_balance:,.0f}", len(unit)))
    return unit, kept


def _ranked(unit: pd.DataFrame, ledger_order: np.ndarray) -> pd.DataFrame:
    """Highest priority first; ties: fewer days left, larger balance, then ledger order."""
    days = np.nan_to_num(unit["days_left"].to_numpy(dtype=float), nan=np.inf)
    order = np.lexsort(
        (
            ledger_order,
            -unit["balance"].to_numpy(dtype=float),
            days,
            -unit["priority"].to_numpy(dtype=float),
        )
    )
    ranked = unit.iloc[order].reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    return ranked


def _totals(unit: pd.DataFrame, band_names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Count and balance by band, class and type, in their natural order."""
    orders = {
        "band": list(band_names),
        "risk_class": list(RISK_CLASSES),
        "debtor_type": list(DEBTOR_TYPES),
    }
    out = {}
    for column, order in orders.items():
        grouped = unit.groupby(unit[column].astype(str), sort=False)["balance"]
        table = pd.DataFrame({"count": grouped.size(), "balance": grouped.sum()})
        out[column] = table.loc[[name for name in order if name in table.index]]
    if "officer" in unit and unit["officer"].notna().any():  # the desk works per officer
        officer = unit["officer"].astype("string").fillna("")
        grouped = unit.groupby(officer, sort=True)["balance"]
        out["officer"] = pd.DataFrame({"count": grouped.size(), "balance": grouped.sum()})
    return out


@dataclass
class WorklistPart:
    """The worklist of some debtors before ranking (all of a debtor's loans are in one part):
    its rows with `_order`, their place in the ledger, and what the whole needs of it."""

    unit: pd.DataFrame
    notes: list[str]
    kept: list[tuple[str, int]]
    portfolio: dict[str, Any]


def triage(
    ledger: Ledger,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    by: str = "debtor",
    filters: TriageFilters | None = None,
    lang: str = "zh",
    top: int | None = None,
    events: pd.DataFrame | None = None,
    strict_evidence: bool = False,
    progress: Progress = QUIET,
    survey: pd.DataFrame | None = None,
    since: pd.Timestamp | None = None,
    extra: Sequence[str] = (),
) -> TriageResult:
    """The prioritised worklist: aging, floors, deadlines, debtor types, tactics, priority.
    `survey`: the latest survey answer per debtor (survey.latest_answers), read by the rules
    (its contact status replaces the ledger's when newer than `since`, the loans' date);
    `extra`: columns of the working frame to append to the rows (the survey plan's)."""
    step = progress.task(said("computing the worklist (steps)", "计算清收清单（步骤）"), 5)
    part = worklist_part(
        ledger, settings, as_of=as_of, by=by, filters=filters, lang=lang, events=events,
        strict_evidence=strict_evidence, step=step, survey=survey, since=since, extra=extra,
    )  # fmt: skip
    result = ranked_worklist([part], settings, as_of=as_of, by=by, top=top, extra=extra)
    step(1)
    return result


def worklist_part(
    ledger: Ledger,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    by: str = "debtor",
    filters: TriageFilters | None = None,
    lang: str = "zh",
    events: pd.DataFrame | None = None,
    strict_evidence: bool = False,
    step: Callable[[int], None] = lambda done: None,
    survey: pd.DataFrame | None = None,
    since: pd.Timestamp | None = None,
    extra: Sequence[str] = (),
    positions: np.ndarray | None = None,
) -> WorklistPart:
    """Everything of triage but the ranking, for the loans of `ledger`. `positions`: each
    loan's place in the whole ledger (default: its row in this one), the ranking's last
    tie-breaker."""
    if not any(ledger.has(c) for c in ("overdue_since", "dpd", "maturity_date")):
        raise InputError(
            f"{ledger.file}: no overdue start (逾期起始日), DPD (逾期天数) or maturity date "
            "(到期日) "
            "column: aging needs one; add it or map it in npl.toml [columns]"
        )
    filters = filters or TriageFilters()
    aging = settings.typed.aging
    deadline_options = deadline_settings(settings, strict_evidence=strict_evidence)
    priority_settings = settings.typed.priority
    rules = compile_rules(settings.rules, known_fields(ledger.extra_columns))
    aged, notes = age(ledger.frame, as_of, aging)
    debtor, key_source = debtor_keys(aged)
    notes.append(tally("debtor_key", _key_flags(key_source), _key_note, operator.or_))
    floors, moved = apply_debtor_contagion(aged, debtor, aging)
    if moved:
        notes.append(tally("contagion", moved, _contagion))
    aged = finish_classes(aged, floors)
    aged = without_log(aged)  # the action log's columns, empty when no log was applied
    portfolio = size_and_quality(aged)
    loan_stage = loan_stages(aged)
    step(1)
    used = fields_used(rules)
    text_fields = [
        c
        for c in TEXT_COLUMNS
        if c in used
        or c in FLAG_TEXT
        or c in extra
        or c == "guarantors"
        or (c == "product" and filters.products)
    ]
    extra_fields = [c for c in ledger.extra_columns if c in used]
    with ThreadPoolExecutor(max_workers=2) as pool:
        # independent steps; numpy and Arrow release the GIL, so they share the cores
        pending = pool.submit(
            compute_deadlines,
            aged,
            events,
            as_of=as_of,
            settings=deadline_options,
        )
        debtors = rollup(aged, debtor, extra_fields=extra_fields, text_fields=text_fields)
        deadlines = pending.result()
    notes.extend(deadlines.notes)
    step(1)
    debtor_count = int(debtor.max(initial=-1)) + 1
    debtor_unit = _unit_frame(
        debtors, _nearest_deadlines(deadlines, debtor_count, debtor), as_of, aging
    )
    debtor_unit["stage"] = stage_names(debtor_stages(loan_stage, debtor, debtor_count))
    debtor_unit = with_survey(debtor_unit, survey, since=since)
    kinds, names = classify(rules, debtor_unit, as_of)
    debtor_unit["debtor_type"], debtor_unit["rule"] = kinds, names
    step(1)
    if by == "loan":
        loan_positions = np.arange(len(aged))
        unit = _unit_frame(
            aged.assign(loans=np.bincount(debtor)[debtor]),
            _nearest_deadlines(deadlines, len(aged), loan_positions),
            as_of,
            aging,
        )
        unit["stage"] = stage_names(loan_stage)
        unit["debtor_type"], unit["rule"] = kinds[debtor], names[debtor]
        for column in SURVEY_FIELDS:
            if column in debtor_unit:
                unit[column] = debtor_unit[column].to_numpy()[debtor]
        unit["ledger_class"] = unit["ledger_class"] if "ledger_class" in unit else None
        columns = LOAN_COLUMNS
    else:
        unit = debtor_unit
        columns = DEBTOR_COLUMNS
    positions = np.arange(len(aged)) if positions is None else positions
    unit["_order"] = (
        positions if by == "loan" else debtor_order(aged, debtor, positions, debtor_count)
    )
    promised_by = as_of.normalize() + pd.Timedelta(days=priority_settings.promise_days)
    unit, kept = _apply_filters(unit, filters, deadline_options.window_days, promised_by)
    unit = unit.reset_index(drop=True)
    unit["priority"] = score(unit, priority_settings)["priority"].to_numpy()
    conditions = flags(unit, priority_settings)
    unit["minority"] = conditions["minority"]
    # Arrow text stays Arrow text: no round trip through Python strings
    unit["tactics"] = tactics(unit, conditions, priority_settings).to_pandas()
    unit["reasons"] = reasons(
        unit, conditions, lang, DEADLINE_KIND_LABELS[lang], RISK_CLASS_LABELS[lang],
        STAGE_LABELS[lang],
    ).to_pandas()  # fmt: skip
    unit["next_step"] = next_steps(
        unit, as_of=as_of, window_days=deadline_options.window_days,
        promise_days=priority_settings.promise_days, lang=lang,
    ).to_pandas()  # fmt: skip
    step(1)
    wanted = [*columns, *extra, "_order"]
    portfolio = {
        "loans": portfolio["loans"],
        "balance": portfolio["balance"],
        **{basis: portfolio["npl"][basis]["balance"] for basis in ("ledger", "floor")},
    }
    return WorklistPart(unit[[c for c in dict.fromkeys(wanted) if c in unit]], notes, kept,
                        portfolio)  # fmt: skip


def ranked_worklist(
    parts: Sequence[WorklistPart],
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    by: str = "debtor",
    top: int | None = None,
    extra: Sequence[str] = (),
) -> TriageResult:
    """The parts' rows as one worklist, highest priority first; their notes, filter counts
    and portfolio figures added up."""
    columns = LOAN_COLUMNS if by == "loan" else DEBTOR_COLUMNS
    unit = pd.concat([part.unit for part in parts], ignore_index=True) if len(parts) > 1 else (
        parts[0].unit.reset_index(drop=True)
    )  # fmt: skip
    ranked = _ranked(unit.drop(columns="_order"), unit["_order"].to_numpy())
    if top is not None:
        ranked = ranked.head(top)
    for column in columns:
        if column not in ranked:
            ranked[column] = None
    ranked["days_left"] = pd.array(ranked["days_left"].to_numpy(), dtype="Float64").astype("Int64")
    for column in ("band", "risk_class"):
        ranked[column] = ranked[column].astype(str)
    band_names = tuple(settings.typed.aging.band_names)
    kept = [(name, sum(part.kept[i][1] for part in parts)) for i, (name, _) in
            enumerate(parts[0].kept)]  # fmt: skip
    return TriageResult(
        rows=ranked[[*columns, *(c for c in extra if c in ranked and c not in columns)]],
        as_of=as_of,
        by=by,
        notes=merged_notes(part.notes for part in parts),
        kept=kept,
        band_names=band_names,
        portfolio=_portfolio(parts),
        **_summed(ranked, band_names),
    )


def _portfolio(parts: Sequence[WorklistPart]) -> dict[str, Any]:
    """The whole ledger's loans, balance and NPL on both bases, from its parts'."""
    total = {key: sum(part.portfolio[key] for part in parts)
             for key in ("loans", "balance", "ledger", "floor")}  # fmt: skip
    npl = {
        basis: {"balance": round(total[basis], 2), "ratio": ratio(total[basis], total["balance"])}
        for basis in ("ledger", "floor")
    }
    return {"loans": total["loans"], "balance": round(total["balance"], 2), "npl": npl}


def _summed(rows: pd.DataFrame, band_names: Sequence[str]) -> dict[str, Any]:
    """Totals by band, class, type and officer; the listed rows' NPL and whole balance."""
    npl = rows["risk_class"].isin(NPL_CLASSES).to_numpy()
    balance = rows["balance"].to_numpy(dtype=float)
    return {
        "totals": _totals(rows, band_names),
        "npl_balance": float(balance[npl].sum()),
        "total_balance": float(balance.sum()),
    }
