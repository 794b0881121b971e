"""The few orchestrations the commands call. Pure: frames and settings in, results out."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from npl_cli.aging import (
    age,
    apply_debtor_contagion,
    bands,
    days_past_due,
    finish_classes,
)
from npl_cli.config import Settings
from npl_cli.deadlines import (
    KINDS,
    OUTPUT_COLUMNS,
    STATUSES,
    Deadlines,
    compute_deadlines,
    output_frame,
    select,
)
from npl_cli.debtors import TEXT_COLUMNS, debtor_keys, rollup
from npl_cli.errors import InputError
from npl_cli.ledger import Ledger
from npl_cli.periods import days_between
from npl_cli.priority import flags, reasons, score, tactics
from npl_cli.rules import classify, compile_rules, fields_used, known_fields
from npl_cli.schema import (
    DEADLINE_KIND_LABELS,
    DEBTOR_TYPES,
    NPL_CLASSES,
    RISK_CLASS_LABELS,
    RISK_CLASSES,
)
from npl_cli.settings import AgingSettings, DeadlineSettings
from npl_cli.text import contains_any, counted, positions_in


@dataclass
class LimitationResult:
    rows: pd.DataFrame  # the stable export columns, nearest first
    as_of: pd.Timestamp
    window_days: int
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # every deadline by status
    alert: bool = False  # something due, or expired since `since`


def deadline_settings(
    settings: Settings, *, strict_evidence: bool = False, days: int | None = None
) -> DeadlineSettings:
    """The one way every command reads the [deadlines] settings, so that `limitation`,
    `triage` and `history` give the same answer for the same loan; a command's --days and
    --strict-evidence win where given."""
    typed = settings.typed.deadlines
    return replace(
        typed,
        window_days=typed.window_days if days is None else days,
        strict_evidence=strict_evidence,
    )


def limitation(
    ledger: Ledger,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    days: int | None = None,
    everything: bool = False,
    expired: bool = True,
    kinds: Sequence[str] = (),
    strict_evidence: bool = False,
    since: pd.Timestamp | None = None,
    events: pd.DataFrame | None = None,
    lang: str = "en",
) -> LimitationResult:
    """Deadlines due within the window and the expired ones (or all), nearest first; basis
    and action in the words of `lang`."""
    if (
        not ledger.has("maturity_date")
        and not ledger.has("overdue_since")
        and not ledger.has("accelerated_on")
    ):
        raise InputError(
            f"{ledger.file}: no maturity date (到期日) or overdue start (逾期起始日) column: "
            "deadlines cannot be computed; add one or map it in npl.toml [columns]"
        )
    options = deadline_settings(settings, strict_evidence=strict_evidence, days=days)
    computed = compute_deadlines(ledger.frame, events, as_of=as_of, settings=options)
    table = computed.table
    chosen = select(
        computed,
        window_days=options.window_days,
        everything=everything,
        expired=expired,
        kinds=kinds,
    )
    since = since if since is not None else as_of - pd.Timedelta(days=30)
    status = table["status"].astype(str).to_numpy(dtype=object)
    deadline = table["deadline"].to_numpy(dtype="datetime64[ns]")
    newly_expired = (status == "expired") & (deadline >= np.datetime64(since, "ns"))
    if kinds:
        in_kinds = table["kind"].isin(kinds).to_numpy()
        newly_expired &= in_kinds
        due = (status == "due") & in_kinds
    else:
        due = status == "due"
    counts = {str(k): int(v) for k, v in table["status"].value_counts(sort=False).items() if v}
    return LimitationResult(
        rows=output_frame(computed, chosen, lang),
        as_of=as_of,
        window_days=options.window_days,
        notes=computed.notes,
        counts=counts,
        alert=bool(due.any() or newly_expired.any()),
    )


# --- triage -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageFilters:
    regions: tuple[str, ...] = ()
    customer_types: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    min_balance: float | None = None
    include_current: bool = False  # debtors with nothing overdue and no deadline due


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


FLAG_TEXT = ("contact_status", "notes", "ethnicity")  # read by the reasons and tactics
DEBTOR_COLUMNS = [
    "rank", "debtor_id", "debtor_name", "loans", "balance", "dpd", "band", "risk_class",
    "under_classified", "debtor_type", "rule", "next_deadline", "next_deadline_kind",
    "days_left", "priority", "tactics", "reasons", "region", "customer_type",
]  # fmt: skip
LOAN_COLUMNS = [
    "rank", "loan_id", "debtor_id", "debtor_name", "loans", "balance", "dpd", "band",
    "risk_class", "ledger_class", "under_classified", "debtor_type", "rule", "next_deadline",
    "next_deadline_kind", "days_left", "priority", "tactics", "reasons", "region",
    "customer_type",
]  # fmt: skip


def _nearest_deadlines(deadlines: Deadlines, count: int, group: np.ndarray) -> pd.DataFrame:
    """Per group (loan or debtor): the nearest deadline still to meet (due or ok), its kind,
    and whether a claim limitation has expired."""
    table = deadlines.table
    status = table["status"].cat.codes.to_numpy()
    kind = table["kind"].cat.codes.to_numpy()
    owner = group[table["loan"].to_numpy()]
    live = np.flatnonzero((status == STATUSES.index("due")) | (status == STATUSES.index("ok")))
    # nearest date first, then the kind's order: one key, its minimum per group
    day = table["deadline"].to_numpy()[live].astype("datetime64[D]").view(np.int64)
    nearest = pd.Series(day * len(KINDS) + kind[live]).groupby(owner[live], sort=False).min()
    who, key = nearest.index.to_numpy(), nearest.to_numpy()
    next_deadline = np.full(count, np.datetime64("NaT", "ns"))
    next_deadline[who] = (key // len(KINDS)).astype("datetime64[D]")
    next_kind = np.full(count, None, dtype=object)
    next_kind[who] = np.asarray(KINDS, dtype=object)[key % len(KINDS)]
    expired = status == STATUSES.index("expired")
    expired_claim = expired & (kind == KINDS.index("claim_limitation"))
    return pd.DataFrame({
        "next_deadline": next_deadline,
        "next_deadline_kind": pd.Series(next_kind, dtype=object),
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
    unit: pd.DataFrame, filters: TriageFilters, window: int
) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    kept = [("all", len(unit))]
    if not filters.include_current:
        status_due = unit["days_left"].to_numpy(dtype=float) <= window
        actionable = (
            (unit["dpd"].to_numpy() > 0) | status_due | unit["expired_claim"].to_numpy(dtype=bool)
        )
        unit = unit[actionable]
        kept.append(("overdue or a deadline due", len(unit)))
    checks = [
        ("region", filters.regions, "region"),
        ("customer type", filters.customer_types, "customer_type"),
        ("product", filters.products, "product"),
        ("band", filters.bands, "band"),
        ("type", filters.types, "debtor_type"),
    ]
    for label, wanted, column in checks:
        if not wanted:
            continue
        if column not in unit:
            raise InputError(f"--{label.replace(' ', '-')}: the ledger has no {column} column")
        values = unit[column].astype(str)
        if column in ("band", "debtor_type"):
            mask = values.isin(wanted).to_numpy()
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
    return out


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
) -> TriageResult:
    """The prioritised worklist: aging, floors, deadlines, debtor types, tactics, priority."""
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
    if key_source != "ID number":
        notes.append(f"debtors are told apart by {key_source}")
    floors, moved = apply_debtor_contagion(aged, debtor, aging)
    if moved:
        notes.append(
            f"{counted(moved, 'loan')} of non-retail debtors with more than 10% NPL raised to "
            "substandard"
        )
    aged = finish_classes(aged, floors)
    used = fields_used(rules)
    text_fields = [
        c
        for c in TEXT_COLUMNS
        if c in used or c in FLAG_TEXT or (c == "product" and filters.products)
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
    debtor_count = int(debtor.max(initial=-1)) + 1
    debtor_unit = _unit_frame(
        debtors, _nearest_deadlines(deadlines, debtor_count, debtor), as_of, aging
    )
    kinds, names = classify(rules, debtor_unit, as_of)
    debtor_unit["debtor_type"], debtor_unit["rule"] = kinds, names
    if by == "loan":
        loan_positions = np.arange(len(aged))
        unit = _unit_frame(
            aged.assign(loans=np.bincount(debtor)[debtor]),
            _nearest_deadlines(deadlines, len(aged), loan_positions),
            as_of,
            aging,
        )
        unit["debtor_type"], unit["rule"] = kinds[debtor], names[debtor]
        unit["ledger_class"] = unit["ledger_class"] if "ledger_class" in unit else None
        columns = LOAN_COLUMNS
    else:
        unit = debtor_unit
        columns = DEBTOR_COLUMNS
    unit, kept = _apply_filters(unit, filters, deadline_options.window_days)
    ledger_order = unit.index.to_numpy()  # the last tie-breaker: first appearance in the ledger
    unit = unit.reset_index(drop=True)
    unit["priority"] = score(unit, priority_settings)["priority"].to_numpy()
    conditions = flags(unit, priority_settings)
    unit["tactics"] = tactics(unit, conditions, priority_settings).to_numpy(zero_copy_only=False)
    unit["reasons"] = reasons(
        unit, conditions, lang, DEADLINE_KIND_LABELS[lang], RISK_CLASS_LABELS[lang]
    ).to_numpy(zero_copy_only=False)
    ranked = _ranked(unit[[c for c in columns if c in unit]], ledger_order)
    if top is not None:
        ranked = ranked.head(top)
    npl = ranked["risk_class"].isin(NPL_CLASSES).to_numpy()
    for column in columns:
        if column not in ranked:
            ranked[column] = None
    ranked["days_left"] = pd.array(ranked["days_left"].to_numpy(), dtype="Float64").astype("Int64")
    for column in ("band", "risk_class"):
        ranked[column] = ranked[column].astype(str)
    return TriageResult(
        rows=ranked[columns],
        as_of=as_of,
        by=by,
        notes=notes,
        kept=kept,
        totals=_totals(ranked, aging.band_names),
        npl_balance=float(ranked["balance"].to_numpy(dtype=float)[npl].sum()),
        total_balance=float(ranked["balance"].sum()),
    )


def with_actions(
    frame: pd.DataFrame, actions: pd.DataFrame, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The loans with the action log up to `as_of` applied, and their deadline events."""
    from npl_cli.deadlines.actions import apply_actions, by_guarantor, deadline_events

    known = actions[actions["date"] <= as_of]
    rows = positions_in(frame["loan_id"], known["loan_id"])  # each action's loan in the ledger
    guarantor_acts = by_guarantor(frame, known, rows)
    frame = apply_actions(frame, known, as_of, rows, guarantor_acts)
    return frame, deadline_events(frame, known, rows, guarantor_acts)


# --- a loan's history -------------------------------------------------------------------------


MOMENTS = {"en": ("snapshot", "now"), "zh": ("快照", "当前")}  # when a history's deadlines stood


@dataclass
class LoanHistory:
    loan_id: str
    snapshots: pd.DataFrame  # one row per snapshot holding the loan
    actions: pd.DataFrame  # with promise_status for promises
    deadlines: pd.DataFrame  # `moment` (snapshot date, or now) + the deadline columns


def loan_history(
    loan_id: str,
    snapshots: pd.DataFrame,
    actions: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: DeadlineSettings,
    lang: str = "en",
) -> LoanHistory:
    """The record a lawyer asks for: balances and classes per snapshot, the actions and
    promises, and the deadlines as they stood at each snapshot and as they stand now (basis
    and advice in the words of `lang`)."""
    from npl_cli.deadlines.actions import promise_status

    promises = promise_status(actions, as_of)
    status = dict(zip(promises["id"], promises["status"], strict=True)) if len(promises) else {}
    actions = actions.assign(promise_status=actions["id"].map(status))
    then, now = MOMENTS[lang]
    moments = [
        (pd.Timestamp(day), f"{then} {pd.Timestamp(day):%Y-%m-%d}", i)
        for i, day in enumerate(snapshots["as_of"])
    ]
    if len(snapshots):
        moments.append(
            (pd.Timestamp(as_of), f"{now} {pd.Timestamp(as_of):%Y-%m-%d}", len(snapshots) - 1)
        )
    tables = []
    for moment, label, position in moments:
        frame = (
            snapshots.iloc[[position]]
            .drop(columns=["as_of", "file"])
            .dropna(axis=1, how="all")
            .reset_index(drop=True)
        )
        frame, events = with_actions(frame, actions, moment)
        computed = compute_deadlines(frame, events, as_of=moment, settings=settings)
        chosen = select(computed, window_days=settings.window_days, everything=True)
        rows = output_frame(computed, chosen, lang)
        tables.append(rows.assign(moment=label))
    deadlines = (
        pd.concat(tables, ignore_index=True)[["moment", *OUTPUT_COLUMNS]]
        if tables
        else pd.DataFrame(columns=["moment", *OUTPUT_COLUMNS])
    )
    return LoanHistory(loan_id, snapshots, actions, deadlines)


# --- roll rates -------------------------------------------------------------------------------

GONE = "gone"  # not in the later snapshot: repaid, written off, sold or moved


@dataclass
class RollRates:
    # from_band, to_band, loans, balance (at the start), loan_share, balance_share
    rows: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    bands: list[str]  # the band order, GONE last among the ends
    new_loans: int  # in the later snapshot only
    new_balance: float


def roll_rates(
    earlier: pd.DataFrame,
    later: pd.DataFrame,
    settings: Settings,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> RollRates:
    """Where the loans of one snapshot stood at the next: each aging band at `start` (DPD as
    of that date) against the band at `end`, or GONE, by number and by balance at `start`;
    shares are of the starting band's loans and balance."""
    aging = settings.typed.aging
    names = aging.band_names
    before = bands(days_past_due(earlier, start)[0], aging)
    after = bands(days_past_due(later, end)[0], aging)
    at = positions_in(later["loan_id"], earlier["loan_id"])  # row in `later`, -1: gone
    ends = names + [GONE]
    # the band code at the end; a last entry for GONE, which position -1 picks
    to_code = np.append(np.asarray(after.codes, dtype=np.int64), len(names))[at]
    cell = np.asarray(before.codes, dtype=np.int64) * len(ends) + to_code
    balance = earlier["balance"].to_numpy(dtype=float)
    size = len(names) * len(ends)
    loans = np.bincount(cell, minlength=size)
    amounts = np.bincount(cell, weights=balance, minlength=size)
    grid = pd.DataFrame({
        "from_band": np.repeat(names, len(ends)),
        "to_band": np.tile(ends, len(names)),
        "loans": loans,
        "balance": amounts.round(2),
    })  # fmt: skip
    totals = grid.groupby("from_band", sort=False)[["loans", "balance"]].transform("sum")
    grid["loan_share"] = (grid["loans"] / totals["loans"].where(totals["loans"] > 0)).round(4)
    grid["balance_share"] = (
        grid["balance"] / totals["balance"].where(totals["balance"] > 0)
    ).round(4)
    new = positions_in(earlier["loan_id"], later["loan_id"]) < 0
    return RollRates(
        rows=grid[grid["loans"] > 0].reset_index(drop=True),
        start=start,
        end=end,
        bands=ends,
        new_loans=int(new.sum()),
        new_balance=float(later["balance"].to_numpy(dtype=float)[new].sum()),
    )
