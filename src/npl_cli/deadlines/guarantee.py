"""Guarantees (保证): the guarantee period of each guarantor (Civil Code Arts 692-693), and the
guarantee limitation that follows when the period was met (Art 694).

Joint liability: the period is met by a demand that reached the guarantor; the limitation
runs 3 years from it. General guarantee: only a suit (or arbitration) against the debtor
within the period holds the guarantor, and the limitation starts when enforcement against
the debtor ends (法释〔2020〕28号 Art 28), or under the old law at the judgment in force
(担保法解释 Art 34(1)). A released guarantor has no limitation row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from npl_cli.deadlines.clock import Clock, limitation_end, walk
from npl_cli.deadlines.codes import (
    CASE,
    DEBTOR_ACTS,
    EVENT_BASIS,
    EVENT_KINDS,
    NEW_GUARANTEE_LAW,
    STATUSES,
    B,
    H,
    N,
)
from npl_cli.deadlines.events import EventArrays, evidence_class, kind_codes, reached
from npl_cli.deadlines.table import Rows, rows
from npl_cli.deadlines.wording import GUARANTOR_SEPARATORS, parse_guarantee_period, split_modes
from npl_cli.messages import Said, said, tally
from npl_cli.periods import NAT, add_months, add_years, date_column, legal_last_day
from npl_cli.settings import DeadlineSettings
from npl_cli.text import contains_any, counted, one_chunk_strings


def split_guarantors(guarantors: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """(row position, name) for every guarantor named in the column (、，,;；/ separated)."""
    text = one_chunk_strings(guarantors)
    parts = pc.split_pattern_regex(text, GUARANTOR_SEPARATORS)
    names = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    parents = pc.list_parent_indices(parts).to_numpy()
    keep = pc.greater(pc.utf8_length(names), 0)
    return parents[np.asarray(keep.to_numpy(zero_copy_only=False))], names.filter(keep)


def _distinct(frame: pd.DataFrame, column: str, rows_: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """A text column read once per distinct value: (per row its code, the texts; '' for
    missing)."""
    if column not in frame:
        return np.zeros(len(rows_), dtype=np.int64), [""]
    codes, uniques = pd.factorize(frame[column])
    texts = [str(value) for value in uniques] + [""]
    return np.where(codes >= 0, codes, len(texts) - 1)[rows_], texts


def guarantee_terms(
    loans: pd.DataFrame, loan: np.ndarray, signed: np.ndarray, start: np.ndarray,
    settings: DeadlineSettings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Guarantee-period end, the date it counts from, and how it was set (HOW code), per
    guarantor row. Conservative where the wording leaves doubt: 6 months (Art 692)."""
    code, texts = _distinct(loans, "guarantee_period", loan)
    periods = [parse_guarantee_period(text, settings.until_paid_words) for text in texts]
    form = np.array([p.form for p in periods], dtype=object)[code]
    months = np.array([p.months for p in periods], dtype=np.int64)[code]
    days = np.array([p.days for p in periods], dtype="timedelta64[D]")[code]
    written = np.array([p.end or "NaT" for p in periods], dtype="datetime64[D]")[code]
    agreed_end = written.astype("datetime64[ns]")
    end = add_months(start, 6)
    counted_from = start.copy()
    how = np.full(len(start), H["no_period"], dtype=np.int8)
    by_length = form == "months"
    end[by_length] = add_months(start[by_length], months[by_length]) + days[by_length]
    how[by_length] = H["agreed_period"]
    after_due = (form == "date") & (agreed_end > start)
    end[after_due] = agreed_end[after_due]
    counted_from[after_due] = agreed_end[after_due]
    how[after_due] = H["agreed_end"]
    how[(form == "date") & ~after_due] = H["end_not_after_due"]
    how[form == "unreadable"] = H["unreadable"]
    until_paid = form == "until_paid"
    old_law = until_paid & (signed < NEW_GUARANTEE_LAW)
    end[old_law] = add_years(start[old_law], 2)  # 担保法解释 2000 Art 32
    how[old_law] = H["until_paid_old_law"]
    how[until_paid & ~old_law] = H["until_paid"]  # 法释〔2020〕28号 Art 32: unclear
    how[until_paid & np.isnat(signed)] = H["until_paid_undated"]
    return end, counted_from, how


def guarantee_modes(
    loans: pd.DataFrame,
    loan: np.ndarray,
    names: pa.Array,
    signed: np.ndarray,
    settings: DeadlineSettings,
) -> np.ndarray:
    """CASE code per guarantor row: joint, general, or unknown (no wording, no signing date).
    One 保证方式 cell may give a mode per guarantor (wording.split_modes), by name or by
    position; `loan` lists each loan's guarantors together, in the order of its 保证人 cell
    (`names`). Each distinct cell is read once; only cells that list several modes are
    matched guarantor by guarantor."""
    out = np.full(len(signed), CASE["unknown"], dtype=np.int8)
    out[signed < NEW_GUARANTEE_LAW] = CASE["joint"]  # 担保法 Art 19: an unclear type was joint
    out[signed >= NEW_GUARANTEE_LAW] = CASE["general"]  # Civil Code Art 686: unclear: general
    if "guarantee_mode" not in loans or not len(loan):
        return out
    code, texts = _distinct(loans, "guarantee_mode", loan)
    cells = [split_modes(text) for text in texts]
    word = np.array([cell.whole for cell in cells], dtype=object)[code]
    named = np.array([bool(cell.named) for cell in cells])[code]
    if named.any():
        at = np.flatnonzero(named)
        by_name = pd.DataFrame(
            [(c, n, w) for c, cell in enumerate(cells) for n, w in cell.named.items()],
            columns=["code", "name", "word"],
        )
        wanted = pd.DataFrame({
            "code": code[at],
            "name": np.asarray(names.to_numpy(zero_copy_only=False), dtype=object)[at],
        })  # fmt: skip
        found = wanted.merge(by_name, on=["code", "name"], how="left")["word"]
        word[at] = found.fillna("").to_numpy(dtype=object)  # an unnamed guarantor: no wording
    listed = np.array([bool(cell.positional) for cell in cells])[code]
    if listed.any():
        at = np.flatnonzero(listed)
        first = pd.Series(np.arange(len(loan))).groupby(loan).transform("min").to_numpy()
        by_position = pd.DataFrame(
            [(c, o, w) for c, cell in enumerate(cells) for o, w in enumerate(cell.positional)],
            columns=["code", "ordinal", "word"],
        )
        wanted = pd.DataFrame({"code": code[at], "ordinal": (np.arange(len(loan)) - first)[at]})
        found = wanted.merge(by_position, on=["code", "ordinal"], how="left")["word"]
        word[at] = found.fillna(pd.Series(word[at])).to_numpy(dtype=object)
    text = pd.Series(word, dtype=object)
    out[contains_any(text, settings.joint_guarantee_words)] = CASE["joint"]
    out[contains_any(text, settings.general_guarantee_words)] = CASE["general"]
    return out


def _guarantee_undated(undated: int) -> Said:
    return said(
        f"guarantee deadlines not computed for {counted(undated, 'guarantor')}: the loan has "
        "no maturity date or overdue start",
        f"{undated:,} 名保证人所担保的贷款无到期日或逾期起始日：未计算保证期限",
    )


def guarantee_rows(
    loans: pd.DataFrame,
    events: pd.DataFrame,
    start: np.ndarray,
    claim_deadline: np.ndarray,
    today: np.datetime64,
    settings: DeadlineSettings,
    notes: list[str],
    live: np.ndarray,
) -> tuple[pa.Array, list[Rows]]:
    """The guarantors' names, and their guarantee-period and guarantee-limitation rows."""
    if "guarantors" not in loans or not loans["guarantors"].notna().any():
        return pa.array([], pa.string()), []
    loan, names = split_guarantors(loans["guarantors"])
    missing = np.isnat(start[loan])
    undated = int((missing & live[loan]).sum())
    if undated:
        notes.append(tally("guarantee_undated", undated, _guarantee_undated))
    guarantor = np.flatnonzero(~missing & live[loan])
    loan = loan[guarantor]
    g_start = start[loan]
    signed = date_column(loans, "guarantee_signed_on")[loan]
    end, counted_from, how = guarantee_terms(loans, loan, signed, g_start, settings)
    mode = guarantee_modes(loans, loan, names.take(pa.array(guarantor)), signed, settings)
    demands = _guarantor_demands(events, loan, guarantor, names, settings)
    first_demand = _first_within(demands, g_start, end, len(loan))
    sued = _first_within(_debtor_suits(events, loan), g_start, end, len(loan))
    demanded, sued_in_time = ~np.isnat(first_demand), ~np.isnat(sued)
    # who is held, and how: a demand holds a joint guarantor (and one of unknown mode,
    # the earlier reading); only a suit on the debtor holds a general one
    joint_held = (mode != CASE["general"]) & demanded
    general_held = ~joint_held & (mode != CASE["joint"]) & sued_in_time
    met = joint_held | general_held
    note = np.zeros(len(loan), dtype=np.int8)
    note_date = np.full(len(loan), NAT)
    note[general_held], note_date[general_held] = N["sued"], sued[general_held]
    note[joint_held], note_date[joint_held] = N["demanded"], first_demand[joint_held]
    uncertain = (how == H["unreadable"]) & ~met
    action = np.where(met, CASE["met"], np.where(uncertain, CASE["uncertain"], mode))
    period_rows = rows(
        loan, "guarantee_period", end, guarantor=guarantor,
        status=np.where(met, STATUSES.index("met"), -1),
        basis=np.where(how == H["agreed_end"], B["agreed_end"], B["due_date"]),
        basis_date=counted_from, how=how, note=note, note_date=note_date, action=action,
    )  # fmt: skip
    acts = pd.concat([demands, _guarantor_acts(events, loan, guarantor, names)])
    limitation = _limitation_rows(
        loans, loan, guarantor, acts, first_demand, joint_held, general_held, claim_deadline,
        today,
    )  # fmt: skip
    return names, [period_rows, limitation]


def _limitation_rows(
    loans: pd.DataFrame, loan: np.ndarray, guarantor: np.ndarray, acts: pd.DataFrame,
    first_demand: np.ndarray, joint_held: np.ndarray, general_held: np.ndarray,
    claim_deadline: np.ndarray, today: np.datetime64,
) -> Rows:  # fmt: skip
    """Guarantee-limitation rows of the guarantors held in time (Art 694)."""
    start = np.where(joint_held, first_demand, NAT)
    basis = np.where(joint_held, B["guarantor_demand"], -1)
    general_start, general_basis, latest_start = _general_start(loans, loan, today)
    start = np.where(general_held, general_start, start)
    basis = np.where(general_held, general_basis, basis)
    held = joint_held | general_held
    running = held & ~np.isnat(start)
    clock = _guarantor_clock(acts, start, basis, running, today)
    deadline = np.full(len(loan), NAT)
    deadline[running] = clock.deadline
    basis[running] = clock.basis
    basis_date = start.copy()
    basis_date[running] = clock.basis_date
    waiting = held & ~running  # a general guarantor before enforcement against the debtor ends
    basis[waiting] = -1  # nothing to count from yet: the note says what it waits for
    main = claim_deadline[loan]
    main_first = running & ~np.isnat(main) & (main < deadline)
    note = np.where(main_first, N["main_claim_first"], 0)
    note_date = np.where(main_first, main, NAT)
    note = np.where(waiting, np.where(np.isnat(latest_start), N["awaiting_enforcement"],
                                      N["starts_by"]), note)  # fmt: skip
    note_date = np.where(waiting, latest_start, note_date)
    keep = np.flatnonzero(held)
    return rows(
        loan[keep], "guarantee_limitation", deadline[keep], guarantor=guarantor[keep],
        status=np.where(waiting, STATUSES.index("not_started"), -1)[keep],
        basis=basis[keep], basis_date=basis_date[keep], note=note[keep],
        note_date=note_date[keep],
        action=np.where(waiting, CASE["not_started"], CASE["live"])[keep],
    )  # fmt: skip


def _general_start(
    loans: pd.DataFrame, loan: np.ndarray, today: np.datetime64
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """When a general guarantor's limitation starts (NaT: not yet), its BASIS code, and the
    latest day it will start when that is already known. Old law (judgment in force before
    2021): the judgment. Else the earlier of the served ruling ending enforcement and one year
    after the enforcement application was accepted (法释〔2020〕28号 Art 28)."""
    judgment = date_column(loans, "judgment_effective_on")[loan]
    accepted = date_column(loans, "enforcement_applied_on")[loan]
    ended = date_column(loans, "enforcement_ended_on")[loan]
    accepted[accepted > today] = NAT
    ended[ended > today] = NAT
    plus_year = add_years(accepted, 1)
    by_ruling = ~np.isnat(ended) & (np.isnat(plus_year) | (ended < plus_year))
    start = np.where(by_ruling, ended, plus_year)
    basis = np.where(by_ruling, B["enforcement_ended"], B["accepted_plus_year"])
    latest = np.where(~by_ruling & (plus_year > today), plus_year, NAT)
    start = np.where(~by_ruling & (plus_year > today), NAT, start)
    old_law = judgment < NEW_GUARANTEE_LAW
    start[old_law], basis[old_law], latest[old_law] = judgment[old_law], B["judgment_old_law"], NAT
    return start, basis, latest


def _guarantor_demands(
    events: pd.DataFrame,
    loan: np.ndarray,
    guarantor: np.ndarray,
    names: pa.Array,
    settings: DeadlineSettings,
) -> pd.DataFrame:
    """Demands that reached guarantors, matched to guarantor rows (`row`, `date`, `kind`): an
    event without a party names every guarantor of its loan. The same evidence words decide
    as for the borrower: signed or delivered; a returned or refused letter reached nobody; a
    public notice is not taken to have reached a guarantor; one with no evidence recorded
    counts unless strict."""
    is_demand = kind_codes(events["kind"]) == EVENT_KINDS.index("guarantor_demand")
    demands = events[is_demand]
    evidence = evidence_class(demands["evidence"], settings)
    return _on_guarantor_rows(demands[reached(evidence, settings)], loan, guarantor, names)


def _guarantor_acts(
    events: pd.DataFrame, loan: np.ndarray, guarantor: np.ndarray, names: pa.Array
) -> pd.DataFrame:
    """A guarantor's own payments, acknowledgments, promises and plans (the party names
    them), on their guarantor rows (`row`, `date`, `kind`)."""
    kind = kind_codes(events["kind"])
    own = np.isin(kind, [EVENT_KINDS.index(k) for k in DEBTOR_ACTS])
    own &= events["party"].notna().to_numpy()
    return _on_guarantor_rows(events[own], loan, guarantor, names)


def _on_guarantor_rows(
    events: pd.DataFrame, loan: np.ndarray, guarantor: np.ndarray, names: pa.Array
) -> pd.DataFrame:
    """Events matched to guarantor rows (`row`, `date`, `kind`): by the party's name, or to
    every guarantor of the loan when the event names nobody."""
    if events.empty:
        return pd.DataFrame({"row": np.array([], np.int64),
                             "date": np.array([], "datetime64[ns]"), "kind": []})  # fmt: skip
    table = pd.DataFrame({"row": np.arange(len(loan)), "loan": loan})
    matched = table.merge(events[["loan", "party", "date", "kind"]], on="loan")
    named = matched["party"].notna().to_numpy()
    keep = ~named
    if named.any():
        who = guarantor[matched["row"].to_numpy()[named]]
        keep[named] = matched["party"].to_numpy(dtype=object)[named] == np.asarray(
            names.take(pa.array(who)).to_numpy(zero_copy_only=False), dtype=object
        )
    return matched.loc[keep, ["row", "date", "kind"]].reset_index(drop=True)


def _debtor_suits(events: pd.DataFrame, loan: np.ndarray) -> pd.DataFrame:
    """Suits and arbitrations against the debtor (the ledger's date and the action log's),
    matched to guarantor rows (`row`, `date`): what holds a general guarantor (Art 693)."""
    kind = kind_codes(events["kind"])
    suing = np.isin(kind, [EVENT_KINDS.index("suit"), EVENT_KINDS.index("arbitration")])
    suits = events.loc[suing & events["party"].isna().to_numpy(), ["loan", "date"]]
    table = pd.DataFrame({"row": np.arange(len(loan)), "loan": loan})
    return table.merge(suits, on="loan")[["row", "date"]]


def _first_within(events: pd.DataFrame, start: np.ndarray, end: np.ndarray, n: int) -> np.ndarray:
    """The first event (`row`, `date`) on each guarantor row within its guarantee period:
    after `start` and on or before the period's legal last day (Art 203); NaT if none."""
    out = np.full(n, NAT)
    if events.empty:
        return out
    rows_ = events["row"].to_numpy(dtype=np.int64)
    dates = np.asarray(events["date"], dtype="datetime64[ns]")
    inside = (dates > start[rows_]) & (dates <= legal_last_day(end[rows_]))
    first = pd.Series(dates[inside]).groupby(rows_[inside]).min()
    out[first.index.to_numpy()] = first.to_numpy()
    return out


def _guarantor_clock(
    acts: pd.DataFrame,
    start: np.ndarray,
    basis: np.ndarray,
    running: np.ndarray,
    today: np.datetime64,
) -> Clock:
    """The running guarantors' limitation: 3 years (2 under the old law, with the 2017
    transition) from its start, restarted by later acts on that guarantor: demands that
    reached them, and their own payments, acknowledgments and promises. The borrower's
    revival of the main claim revives nothing here (SPC limitation provisions Art 18)."""
    renumber = np.full(len(start), -1, dtype=np.int64)
    renumber[running] = np.arange(int(running.sum()))
    at = renumber[acts["row"].to_numpy(dtype=np.int64)]
    keep = at >= 0
    kind = kind_codes(acts["kind"])[keep]
    events = EventArrays(
        loan=at[keep],
        date=np.asarray(acts["date"], "datetime64[ns]")[keep],
        interrupts=np.ones(len(kind), dtype=bool),
        revives=np.zeros(len(kind), dtype=bool),
        basis=np.array([EVENT_BASIS[k] for k in EVENT_KINDS], dtype=np.int64)[kind],
        kind=kind,
    )
    return walk(start[running], basis[running], limitation_end, events, today)
