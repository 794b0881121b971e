"""The clock: how long a limitation period runs, and the walk of each clock through its
events in date order, one rank at a time across all clocks at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from npl_cli.deadlines.codes import OLD_RULE_COULD_EXPIRE, TRANSITION
from npl_cli.deadlines.events import EventArrays
from npl_cli.periods import NAT, add_years, legal_last_day


def limitation_end(starts: np.ndarray) -> np.ndarray:
    """End of a limitation period starting on `starts`: 3 years; a period that started
    earlier and ran out under the old 2-year rule before 2017-10-01 stayed expired (民法通则
    Art 135; 法释〔2018〕12号 Arts 2-3)."""
    ends = add_years(starts, 3)
    early = starts < OLD_RULE_COULD_EXPIRE  # only these can have run out under the 2-year rule
    if early.any():
        two = add_years(starts[early], 2)
        ends[early] = np.where(two < TRANSITION, two, ends[early])
    return ends


def two_years(starts: np.ndarray) -> np.ndarray:
    return add_years(starts, 2)


@dataclass
class Clock:
    """One clock per loan (or guarantor) after its events were walked."""

    deadline: np.ndarray
    basis: np.ndarray  # code into BASIS of what the deadline rests on
    basis_date: np.ndarray
    late_kind: np.ndarray  # EVENT_KINDS code of the first act recorded after the clock ran out
    late_basis: np.ndarray  # its BASIS code
    late_date: np.ndarray
    suit_date: np.ndarray  # first suit filed while the clock ran
    revived_on: np.ndarray  # the act that revived an expired claim (NaT: none)
    expired_on: np.ndarray  # the deadline it had run out at before that revival


def walk(
    start: np.ndarray,
    start_basis: np.ndarray,
    period_end: Callable[[np.ndarray], np.ndarray],
    events: EventArrays,
    as_of: np.datetime64,
) -> Clock:
    """Run each clock from `start` through its events in date order.

    An interrupting event after the start and on or before the running period's legal last
    day (Art 203: a period ending on a rest day runs to the next working day) restarts the
    period in full from its date (Art 195). After that day an act interrupts nothing (it is
    recorded as late) unless it revives the claim (Art 192), which starts a new period from
    its date. Events after `as_of` are not counted. Vectorised across clocks; loops over
    event rank.
    """
    n = len(start)
    clock = Clock(
        deadline=period_end(start),
        basis=np.asarray(start_basis, dtype=np.int64).copy(),
        basis_date=np.asarray(start, dtype="datetime64[ns]").copy(),
        late_kind=np.full(n, -1, dtype=np.int64),
        late_basis=np.full(n, -1, dtype=np.int64),
        late_date=np.full(n, NAT),
        suit_date=np.full(n, NAT),
        revived_on=np.full(n, NAT),
        expired_on=np.full(n, NAT),
    )
    # only acts that count can move a clock: drop the rest before sorting
    counted = (
        (events.interrupts | events.revives)
        & (events.date > start[events.loan])
        & (events.date <= as_of)
    )
    if not counted.any():
        return clock
    order = np.flatnonzero(counted)
    order = order[np.lexsort((events.date[order], events.loan[order]))]
    loan = events.loan[order]
    group_start = np.flatnonzero(np.r_[True, loan[1:] != loan[:-1]])
    rank = np.arange(len(loan)) - np.repeat(group_start, np.diff(np.r_[group_start, len(loan)]))
    for r in range(int(rank.max()) + 1):
        picked = order[rank == r]
        who, when = events.loan[picked], events.date[picked]
        in_time = when <= legal_last_day(clock.deadline[who])
        revive = ~in_time & events.revives[picked]
        first_revival = revive & np.isnat(clock.revived_on[who])
        clock.expired_on[who[first_revival]] = clock.deadline[who[first_revival]]
        clock.revived_on[who[revive]] = when[revive]
        clock.late_kind[who[revive]] = -1  # what came late before the revival is moot
        restart = (in_time & events.interrupts[picked]) | revive
        clock.deadline[who[restart]] = period_end(when[restart])
        clock.basis[who[restart]] = events.basis[picked[restart]]
        clock.basis_date[who[restart]] = when[restart]
        suits = restart & events.suit[picked] & np.isnat(clock.suit_date[who])
        clock.suit_date[who[suits]] = when[suits]
        late = ~in_time & ~revive & (clock.late_kind[who] < 0)
        clock.late_kind[who[late]] = events.kind[picked[late]]
        clock.late_basis[who[late]] = events.basis[picked[late]]
        clock.late_date[who[late]] = when[late]
    return clock
