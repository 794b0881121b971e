"""Days past due, aging bands and the regulatory five-tier floors (DOMAIN.md §2)."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from npl_cli.messages import Said, said, tally
from npl_cli.schema import LEDGER_CLASS_WORDS, NPL_CLASSES, RISK_CLASSES
from npl_cli.settings import AgingSettings, Floors
from npl_cli.text import contains_any, counted


def days_past_due(frame: pd.DataFrame, as_of: pd.Timestamp) -> tuple[np.ndarray, list[str]]:
    """DPD per loan and notes on where it came from: as_of − overdue start; else the ledger's
    逾期天数; else days since a passed maturity date with a balance outstanding; else 0."""
    n = len(frame)
    today = pd.Timestamp(as_of).normalize().to_datetime64().astype("datetime64[D]")
    dpd = np.full(n, np.nan)
    notes: list[str] = []
    if "overdue_since" in frame:
        since = np.asarray(frame["overdue_since"], dtype="datetime64[ns]").astype("datetime64[D]")
        dpd = np.where(np.isnat(since), np.nan, (today - since).astype(np.float64))
    if "dpd" in frame:
        stated = frame["dpd"].to_numpy(dtype=float)
        use = np.isnan(dpd) & ~np.isnan(stated)
        if (use & (stated > 0)).any():
            notes.append(tally("dpd_stated", int((use & (stated > 0)).sum()), _dpd_stated))
        dpd = np.where(use, stated, dpd)
    if "maturity_date" in frame:
        maturity = np.asarray(frame["maturity_date"], "datetime64[ns]").astype("datetime64[D]")
        past_due = ~np.isnat(maturity) & (maturity < today) & (frame["balance"].to_numpy() > 0)
        use = np.isnan(dpd) & past_due
        if use.any():
            notes.append(tally("dpd_from_maturity", int(use.sum()), _dpd_from_maturity))
        dpd = np.where(use, (today - maturity).astype(np.float64), dpd)
    return np.clip(np.nan_to_num(dpd, nan=0.0), 0, None).astype(np.int64), notes


def _dpd_stated(taken: int) -> Said:
    return said(
        f"DPD taken from the ledger's 逾期天数 for {taken:,} overdue loans (no overdue start date)",
        f"{taken:,} 笔逾期贷款无逾期起始日，逾期天数取自台账的“逾期天数”列",
    )


def _dpd_from_maturity(count: int) -> Said:
    return said(
        f"DPD counted from the maturity date for {counted(count, 'loan')} (no overdue start "
        "or 逾期天数)",
        f"{count:,} 笔贷款无逾期起始日和逾期天数，逾期天数从到期日起算",
    )


def bands(dpd: np.ndarray, settings: AgingSettings) -> pd.Categorical[str]:
    limits = np.array([limit for _, limit in settings.bands])
    codes = np.searchsorted(limits, dpd, side="left")
    return pd.Categorical.from_codes(codes, categories=pd.Index(settings.band_names), ordered=True)


def floor_codes(dpd: np.ndarray, floors: Floors) -> np.ndarray:
    """Index into RISK_CLASSES of the floor for each DPD."""
    return np.select(
        [dpd > floors.loss_after, dpd > floors.doubtful_after, dpd > floors.substandard_after,
         dpd > floors.special_mention_after],
        [4, 3, 2, 1], 0,
    ).astype(np.int8)  # fmt: skip


def ledger_class_codes(classes: pd.Series) -> np.ndarray:
    """The ledger's own class as an index into RISK_CLASSES (-1 when unreadable or empty).
    Sub-grades such as 关注一 / 次级2 count as their class."""
    codes, uniques = pd.factorize(classes)
    mapped = []
    for value in uniques:
        key = unicodedata.normalize("NFKC", str(value)).strip().lower().replace(" ", "")
        key = key.replace("_", "")
        hit = next(
            (code for word, code in LEDGER_CLASS_WORDS.items() if key.startswith(word)), None
        )
        mapped.append(RISK_CLASSES.index(hit) if hit else -1)
    lookup = np.array(mapped + [-1], dtype=np.int8)
    return lookup[np.where(codes >= 0, codes, len(lookup) - 1)]


def age(
    frame: pd.DataFrame, as_of: pd.Timestamp, settings: AgingSettings
) -> tuple[pd.DataFrame, list[str]]:
    """The frame with dpd, band, risk_class (floor), ledger_class_code and under_classified."""
    dpd, notes = days_past_due(frame, as_of)
    floors = floor_codes(dpd, settings.floors)
    if "product" in frame and settings.card_products:
        card = contains_any(frame["product"], settings.card_products)
        floors = np.where(card, floor_codes(dpd, settings.card_floors), floors)
    ledger_codes = (
        ledger_class_codes(frame["ledger_class"])
        if "ledger_class" in frame
        else np.full(len(frame), -1, dtype=np.int8)
    )
    aged = frame.assign(
        dpd=dpd,
        band=bands(dpd, settings),
        risk_class_code=floors,
        ledger_class_code=ledger_codes,
    )
    return aged, notes


def apply_debtor_contagion(
    aged: pd.DataFrame, debtor: np.ndarray, settings: AgingSettings
) -> tuple[np.ndarray, int]:
    """For a non-retail debtor with more than 10% of its balance in NPL classes, every loan is
    at least substandard. Returns the new floor codes and how many loans moved."""
    floors = aged["risk_class_code"].to_numpy().copy()
    if "customer_type" not in aged or not settings.non_retail_types:
        return floors, 0
    balance = aged["balance"].to_numpy(dtype=float)
    npl = floors >= RISK_CLASSES.index(NPL_CLASSES[0])
    count = int(debtor.max(initial=-1)) + 1
    total = np.bincount(debtor, weights=balance, minlength=count)
    npl_total = np.bincount(debtor, weights=np.where(npl, balance, 0.0), minlength=count)
    share = np.divide(npl_total, total, out=np.zeros(count), where=total > 0)
    non_retail = contains_any(aged["customer_type"], settings.non_retail_types)
    moved = non_retail & (share[debtor] > 0.10) & ~npl
    floors[moved] = RISK_CLASSES.index("substandard")
    return floors, int(moved.sum())


def finish_classes(aged: pd.DataFrame, floors: np.ndarray) -> pd.DataFrame:
    ledger_codes = aged["ledger_class_code"].to_numpy()
    return aged.assign(
        risk_class_code=floors,
        risk_class=pd.Categorical.from_codes(
            floors, categories=pd.Index(RISK_CLASSES), ordered=True
        ),
        ledger_class_parsed=pd.Categorical.from_codes(
            ledger_codes, categories=pd.Index(RISK_CLASSES), ordered=True
        ),
        under_classified=(ledger_codes >= 0) & (ledger_codes < floors),
    )
