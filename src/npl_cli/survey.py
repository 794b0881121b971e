"""The survey loop (调研流程, DOMAIN §7): where the overdue debtors are (clustered or
scattered), whom to survey, the form's answers and their allowed values, the answers checked
row by row, and the latest answer per debtor as fields the debtor rules read. Pure functions
over frames, vectorised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from npl_cli.ledger.coerce import parse_dates


@dataclass(frozen=True)
class Answer:
    header: str  # the form's column, as officers see it
    field: str  # the debtor field the rules read
    allowed: tuple[str, ...] | None  # the drop-down; None: free text


ANSWERS = (
    Answer("联系状态", "survey_contact", ("正常", "失联", "拒接", "号码停机")),
    Answer("还款意愿", "willingness", ("愿意", "犹豫", "拒绝")),
    Answer("还款能力", "ability", ("有能力", "部分能力", "无能力")),
    Answer(
        "逾期原因",
        "survey_reason",
        ("经营困难", "疾病", "失业", "家庭变故", "疏忽遗忘", "恶意逃废", "其他"),
    ),
    Answer("资产线索", "assets_found", None),
    Answer("第三方协助", "third_party_help", ("是", "否")),
    Answer("调查日期", "surveyed_on", None),
    Answer("调查人", "surveyor", None),
    Answer("备注", "survey_note", None),
)
KEY_HEADER = "调研编号"  # the hidden column that ties a row to its plan and debtor
DATE_HEADER = "调查日期"
# what the debtor rules can read once answers are imported
SURVEY_FIELDS = (
    "willingness",
    "ability",
    "survey_reason",
    "assets_found",
    "surveyed_on",
    "survey_contact",
    "third_party_help",
    "surveyor",
)
STORED = ("key", "plan", "debtor_key", *(a.field for a in ANSWERS))
# willingness and ability in English, for reasons under --lang en
ANSWER_EN = {
    "愿意": "willing",
    "犹豫": "hesitant",
    "拒绝": "refuses",
    "有能力": "able",
    "部分能力": "partly able",
    "无能力": "unable",
}
# a village (村, 社区, 屯) or else a township (镇, 乡, 街道) named in an address
VILLAGE = r"([^\s省市县区镇乡,，]{1,10}?(?:村|社区|屯))"
TOWNSHIP = r"([^\s省市县区,，]{1,10}?(?:镇|乡|街道))"


def text_of(rows: pd.DataFrame, column: str) -> pd.Series:
    """A text column with missing as "" (all "" when the ledger lacks it)."""
    if column not in rows:
        return pd.Series("", index=rows.index, dtype="string")
    return rows[column].astype("string").fillna("")


def debtor_keys_of(rows: pd.DataFrame) -> pd.Series:
    """The debtor's key on a form: the ID number (upper case), else `名:` and the name."""
    ids = (
        rows["debtor_id"].astype("string").str.strip().str.upper() if "debtor_id" in rows else None
    )
    names = "名:" + rows["debtor_name"].astype("string").str.strip()
    keys = names if ids is None else ids.where(ids.fillna("") != "", names)
    return keys.astype(object)


def places(rows: pd.DataFrame) -> pd.Series:
    """Where a debtor lives, as finely as the ledger says: region and the village (or the
    township) its address names, else the region alone."""
    region = text_of(rows, "region")
    if "address" not in rows:
        return region.astype(object)
    address = rows["address"].astype("string")
    township = address.str.extract(TOWNSHIP, expand=False)
    village = address.str.extract(VILLAGE, expand=False).fillna("")
    township = township.where(township != region, "").fillna("")  # the region says it
    return (region + township + village).astype(object)


def clustering(rows: pd.DataFrame, clustered_at: float) -> pd.DataFrame:
    """Per region: debtors, balance, the places they live in, debtors per place (the
    measure) and whether the region is clustered (at least `clustered_at` per place: a
    field trip meets several) or scattered (phone first); most debtors first."""
    frame = pd.DataFrame(
        {
            "region": text_of(rows, "region"),
            "place": places(rows),
            "balance": rows["balance"].to_numpy(dtype=float),
        }
    )
    grouped = frame.groupby("region", sort=False)
    out = pd.DataFrame(
        {
            "debtors": grouped.size(),
            "balance": grouped["balance"].sum().round(2),
            "places": grouped["place"].nunique(),
        }
    )
    out["debtors_per_place"] = (out["debtors"] / out["places"]).round(1)
    out["clustered"] = out["debtors_per_place"] >= clustered_at
    order = np.lexsort((-out["balance"].to_numpy(), -out["debtors"].to_numpy()))
    return out.iloc[order].rename_axis("region").reset_index()


def selection(rows: pd.DataFrame, per_officer: int) -> pd.DataFrame:
    """Whom to survey: per officer, unclassified debtors first, then by rank (priority),
    `per_officer` at most; in officer order, then that order."""
    officer = text_of(rows, "officer")
    classified = (rows["debtor_type"].to_numpy(dtype=object) != "unclassified").astype(int)
    order = np.lexsort((rows["rank"].to_numpy(), classified, officer.to_numpy(dtype=object)))
    ordered = rows.iloc[order]
    within = ordered.groupby(officer.iloc[order].to_numpy(dtype=object), sort=False).cumcount()
    return ordered[within.to_numpy() < per_officer].reset_index(drop=True)


@dataclass
class CheckedAnswers:
    answers: pd.DataFrame  # STORED columns, one row per answered form row
    rejects: pd.DataFrame  # source_file, source_row, column, value, reason
    rows_read: int
    skipped: int  # rows with no answer yet (not surveyed)

    @property
    def rejected(self) -> int:
        return int(self.rejects["source_row"].nunique()) if len(self.rejects) else 0


REJECT_REASONS = {
    "en": {"choice": "{header} must be one of {allowed}",
           "no_date": DATE_HEADER + " is empty: give the survey date",
           "bad_date": DATE_HEADER + " is not a date: write it as 2026-12-01",
           "no_key": KEY_HEADER + " is missing: the row is not from a form"},
    "zh": {"choice": "{header}只能填：{allowed}", "no_date": DATE_HEADER + "为空：请填写调查日期",
           "bad_date": DATE_HEADER + "不是日期：请写成 2026-12-01",
           "no_key": "缺少" + KEY_HEADER + "：该行不是调研表原有的行"},
}  # fmt: skip


def check_answers(
    form: pd.DataFrame, file: str, first_row: int, lang: str = "en"
) -> CheckedAnswers:
    """A form's rows (text cells, headers as written) checked against the allowed values:
    a row with no answer is skipped; a row with a value outside its drop-down, no or a bad
    survey date, or no key is rejected with the row (`first_row` is the sheet row of the
    first), column, value and the allowed list; the rest are answers."""
    text = {a.header: form[a.header].astype("string").str.strip() for a in ANSWERS}
    text = {header: values.where(values != "", None) for header, values in text.items()}
    answered = np.logical_or.reduce([values.notna().to_numpy() for values in text.values()])
    problems: list[pd.DataFrame] = []
    words = REJECT_REASONS[lang]

    def reject(mask: np.ndarray, column: str, values: pd.Series, reason: str | pd.Series) -> None:
        if mask.any():
            problems.append(
                pd.DataFrame(
                    {
                        "source_row": np.flatnonzero(mask) + first_row,
                        "column": column,
                        "value": values.to_numpy(dtype=object)[mask],
                        "reason": reason if isinstance(reason, str) else reason[mask].to_numpy(),
                    }
                )
            )

    for answer in ANSWERS:
        if answer.allowed is None:
            continue
        values = text[answer.header]
        bad = answered & values.notna().to_numpy() & ~values.isin(answer.allowed).to_numpy()
        allowed = "、".join(answer.allowed)
        reject(
            bad,
            answer.header,
            values,
            words["choice"].format(header=answer.header, allowed=allowed),
        )
    dates, bad_date = parse_dates(text[DATE_HEADER])
    no_date = answered & np.isnat(dates) & ~bad_date
    reject(no_date, DATE_HEADER, text[DATE_HEADER], words["no_date"])
    reject(answered & bad_date, DATE_HEADER, text[DATE_HEADER], words["bad_date"])
    key = form[KEY_HEADER].astype("string").str.strip() if KEY_HEADER in form else None
    key = key if key is not None else pd.Series(pd.NA, index=form.index, dtype="string")
    parts = key.str.split("|", n=1, expand=True).reindex(columns=[0, 1])
    no_key = answered & (parts[1].isna().to_numpy() | (parts[1] == "").fillna(True).to_numpy())
    reject(no_key, KEY_HEADER, key, words["no_key"])
    rejects = (
        pd.concat(problems, ignore_index=True).sort_values("source_row", kind="stable")
        if problems
        else pd.DataFrame(columns=["source_row", "column", "value", "reason"])
    )
    rejects.insert(0, "source_file", file)
    good = answered.copy()
    good[rejects["source_row"].to_numpy(dtype=np.int64) - first_row] = False
    answers = pd.DataFrame(
        {
            "key": key.to_numpy(dtype=object),
            "plan": parts[0].to_numpy(dtype=object),
            "debtor_key": parts[1].to_numpy(dtype=object),
            **{a.field: text[a.header].to_numpy(dtype=object) for a in ANSWERS},
        }
    )
    answers["surveyed_on"] = dates
    answers["source_row"] = np.arange(len(form)) + first_row
    return CheckedAnswers(
        answers[good].reset_index(drop=True),
        rejects.reset_index(drop=True),
        rows_read=len(form),
        skipped=int((~answered).sum()),
    )


def latest_answers(stored: pd.DataFrame) -> pd.DataFrame:
    """Each debtor's latest answer (by survey date, then as recorded), indexed by its key."""
    if stored.empty:
        return stored.set_index("debtor_key")
    ordered = stored.assign(_order=np.arange(len(stored))).sort_values(
        ["surveyed_on", "_order"], kind="stable"
    )
    latest = ordered.drop_duplicates("debtor_key", keep="last").drop(columns="_order")
    return latest.set_index("debtor_key")


def with_survey(
    unit: pd.DataFrame, answers: pd.DataFrame | None, *, since: pd.Timestamp | None
) -> pd.DataFrame:
    """The debtors with their latest survey answers as fields; the survey's contact status
    replaces the ledger's when it is newer than the loans' date (`since`; unknown: newer)."""
    if answers is None or answers.empty:
        return unit
    at = answers.index.get_indexer(pd.Index(debtor_keys_of(unit)))
    found = at >= 0
    out = unit.copy()
    for field in SURVEY_FIELDS:
        values = answers[field].to_numpy()
        if field == "surveyed_on":
            taken = np.full(len(unit), np.datetime64("NaT"), "datetime64[ns]")
            taken[found] = values.astype("datetime64[ns]")[at[found]]
            out[field] = taken
        else:
            column = np.full(len(unit), None, dtype=object)
            column[found] = values[at[found]]
            out[field] = column
    surveyed = out["surveyed_on"].to_numpy()
    newer = found & ~np.isnat(surveyed)
    if since is not None:
        newer &= surveyed > np.datetime64(pd.Timestamp(since).normalize(), "ns")
    contact = out["survey_contact"].to_numpy(dtype=object)
    newer &= pd.notna(contact)
    if newer.any():
        ledger = out["contact_status"] if "contact_status" in out else None
        merged = (
            ledger.to_numpy(dtype=object).copy()
            if ledger is not None
            else np.full(len(out), None, dtype=object)
        )
        merged[newer] = contact[newer]
        out["contact_status"] = merged
    return out


def loan_lists(loans: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Each wanted debtor's loan ids, joined by 、 (the ledger's order)."""
    own = pd.Series(debtor_keys_of(loans).to_numpy(), index=loans.index)
    wanted = own.isin(set(keys)).to_numpy()
    ids = loans.loc[wanted, "loan_id"].astype(str)
    joined = ids.groupby(own[wanted].to_numpy()).agg("、".join)
    return joined.reindex(list(keys))
