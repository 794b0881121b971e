"""`npl survey plan|forms` and `npl visits`: the survey's six steps (选区域 → 筛群体 → 定数量 →
明账龄 → 填表格 → 得类型) and a field-visit plan, both from the worklist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from npl_cli.config import Settings
from npl_cli.ledger import Ledger
from npl_cli.pipeline.limitation import deadline_settings
from npl_cli.pipeline.triage import TriageFilters, triage
from npl_cli.priority import where_text
from npl_cli.schema import DEADLINE_KIND_LABELS
from npl_cli.survey import clustering, debtor_keys_of, loan_lists, places, selection, text_of
from npl_cli.text import join_present

# what the plan, the forms and the visits read besides the worklist's columns
EXTRA = ("occupation", "minority", "expired_claim", "collateral", "third_party_help",
         "surveyed_on")  # fmt: skip
SELECTED_COLUMNS = [
    "order", "officer", "debtor_id", "debtor_name", "region", "place", "clustered",
    "customer_type", "occupation", "loans", "loan_ids", "balance", "dpd", "band", "debtor_type",
    "next_deadline", "next_deadline_kind", "expired_claim", "minority", "phone", "address",
    "guarantors", "collateral", "key",
]  # fmt: skip
VISIT_COLUMNS = ["day", "officer", "group", "order", "debtor_id", "debtor_name", "address",
                 "phone", "balance", "dpd", "debtor_type", "mode", "purpose", "note"]  # fmt: skip
MINORITY_ADVICE = {
    "zh": "尊重宗教与风俗禁忌，事先了解当地习俗，可请当地干部或熟悉习俗的人协助",
    "en": "respect religious and customary taboos; learn the local customs first, and ask a "
    "village cadre or someone who knows them to help",
}
MINORITY_NOTE = {
    "zh": "少数民族客户：" + MINORITY_ADVICE["zh"],
    "en": "minority customer: " + MINORITY_ADVICE["en"],
}
VISIT_WORDS = {
    "zh": {"demand": "带催收通知书当面送达并取得签收", "form": "带调研表当面填写",
           "third_party": "可请第三方协助", "together": "同片区 {n} 户一并走访",
           "separator": "；"},
    "en": {"demand": "bring a demand notice, deliver it and get it signed",
           "form": "bring the survey form and fill it in", "third_party": "third-party help",
           "together": "{n} debtors in this place together", "separator": "; "},
}  # fmt: skip


@dataclass
class SurveyPlan:
    as_of: pd.Timestamp
    plan: str  # the plan's id, in every form row's key
    per_officer: int
    clustered_at: float
    regions: pd.DataFrame  # clustering(): every overdue debtor, by region
    groups: pd.DataFrame  # customer_type, occupation, debtors, balance
    officers: pd.DataFrame  # officer, debtors, unclassified, selected
    bands: pd.DataFrame  # band, selected, balance
    expired: int  # selected debtors whose claim limitation has run out: seek a revival
    minority: int
    selected: pd.DataFrame  # SELECTED_COLUMNS

    def summary(self) -> dict[str, Any]:
        return {
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "plan": self.plan,
            "per_officer": self.per_officer,
            "clustered_at": self.clustered_at,
            "debtors": int(self.regions["debtors"].sum()),
            "to_survey": len(self.selected),
            "expired_claims": self.expired,
            "minority": self.minority,
        }


def survey_plan(
    ledger: Ledger,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    filters: TriageFilters,
    per_officer: int,
    events: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    since: pd.Timestamp | None = None,
    lang: str = "zh",
) -> SurveyPlan:
    """The overdue debtors (as triage finds them, filtered alike), where they are, their
    groups, and whom each officer surveys: unclassified first, by priority."""
    rows = _worklist(ledger, settings, as_of, filters, events, survey, since, lang)
    clustered_at = float(settings.data["survey"]["clustered_at"])
    regions = clustering(rows, clustered_at)
    picked = selection(rows, per_officer)
    picked["place"] = places(picked)
    dense = dict(zip(regions["region"], regions["clustered"], strict=True))
    picked["clustered"] = np.where(
        text_of(picked, "region").map(dense).fillna(False).to_numpy(dtype=bool),
        "clustered",
        "scattered",
    )
    plan = f"{as_of:%Y-%m-%d}"
    keys = debtor_keys_of(picked)
    picked["key"] = plan + "|" + keys
    picked["loan_ids"] = loan_lists(ledger.frame, list(keys)).to_numpy()
    picked["order"] = picked.groupby(picked["officer"].fillna(""), sort=False).cumcount() + 1
    for column in SELECTED_COLUMNS:
        if column not in picked:
            picked[column] = None
    return SurveyPlan(
        as_of=as_of,
        plan=plan,
        per_officer=per_officer,
        clustered_at=clustered_at,
        regions=regions,
        groups=_groups(rows),
        officers=_officers(rows, picked),
        bands=_counted(picked, "band"),
        expired=int(_flag(picked, "expired_claim").sum()),
        minority=int(_flag(picked, "minority").sum()),
        selected=picked[SELECTED_COLUMNS],
    )


def _flag(rows: pd.DataFrame, column: str) -> np.ndarray:
    if column not in rows:
        return np.zeros(len(rows), dtype=bool)
    return rows[column].astype(object).fillna(False).to_numpy(dtype=bool)


def _worklist(
    ledger: Ledger,
    settings: Settings,
    as_of: pd.Timestamp,
    filters: TriageFilters,
    events: pd.DataFrame | None,
    survey: pd.DataFrame | None,
    since: pd.Timestamp | None,
    lang: str,
) -> pd.DataFrame:
    result = triage(ledger, settings, as_of=as_of, by="debtor", filters=filters, lang=lang,
                    events=events, survey=survey, since=since, extra=EXTRA)  # fmt: skip
    rows = result.rows
    overdue = rows["dpd"].to_numpy() > 0
    return rows[overdue].reset_index(drop=True)


def _groups(rows: pd.DataFrame) -> pd.DataFrame:
    """Debtors and balance by customer group (公司法人, 小微商户, 涉农户, 个人) and occupation."""
    keys = [text_of(rows, c) for c in ("customer_type", "occupation")]
    grouped = rows["balance"].groupby([keys[0].to_numpy(), keys[1].to_numpy()], sort=False)
    out = pd.DataFrame({"debtors": grouped.size(), "balance": grouped.sum().round(2)})
    out.index.names = ["customer_type", "occupation"]
    return out.sort_values(["debtors", "balance"], ascending=False).reset_index()


def _officers(rows: pd.DataFrame, picked: pd.DataFrame) -> pd.DataFrame:
    officer = text_of(rows, "officer")
    unclassified = rows["debtor_type"].to_numpy(dtype=object) == "unclassified"
    out = pd.DataFrame(
        {
            "debtors": officer.value_counts(sort=False),
            "unclassified": officer[unclassified].value_counts(sort=False),
            "selected": text_of(picked, "officer").value_counts(sort=False),
        }
    )
    out = out.fillna(0).astype(int).rename_axis("officer").reset_index()
    return out.sort_values("officer", kind="stable").reset_index(drop=True)


def _counted(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    grouped = rows["balance"].groupby(rows[column].astype(str).to_numpy(), sort=True)
    out = pd.DataFrame({"selected": grouped.size(), "balance": grouped.sum().round(2)})
    return out.rename_axis(column).reset_index()


def deadline_text(rows: pd.DataFrame, lang: str) -> pd.Series:
    """The nearest deadline as a form shows it: '诉讼时效 2027-01-15', or the expired claim."""
    labels = DEADLINE_KIND_LABELS[lang]
    kind = rows["next_deadline_kind"].astype(object).map(labels)
    day = pd.to_datetime(rows["next_deadline"]).dt.strftime("%Y-%m-%d")
    text = (kind + " " + day).where(kind.notna() & day.notna(), None)
    expired = pd.Series(_flag(rows, "expired_claim"), index=rows.index)
    words = (
        "诉讼时效已届满：争取签字确认" if lang == "zh" else "claim time-barred: seek a signature"
    )
    return text.where(~expired, words)


def visit_plan(
    ledger: Ledger,
    settings: Settings,
    *,
    as_of: pd.Timestamp,
    filters: TriageFilters,
    days: int,
    per_day: int,
    events: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    since: pd.Timestamp | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """Each officer's next `days` days, `per_day` debtors a day, in priority order by place:
    a place with several of the officer's debtors is visited together (a team visit — 群体进攻
    — when it holds `team_at` or more, or the debtor is malicious), a debtor alone in its
    place is phoned first."""
    rows = _worklist(ledger, settings, as_of, filters, events, survey, since, lang)
    config = settings.data["survey"]
    officer = text_of(rows, "officer")
    group = places(rows)
    pair = officer.astype(object) + "\x00" + pd.Series(group, index=rows.index).astype(object)
    size = pair.map(pair.value_counts()).to_numpy()
    best = rows["rank"].groupby(pair.to_numpy()).transform("min").to_numpy()
    malicious = rows["debtor_type"].to_numpy(dtype=object) == "malicious"
    team = (size >= int(config["team_at"])) | malicious
    together = size >= float(config["clustered_at"])
    mode = np.select([team, together], ["team_visit", "visit"], "phone_first").astype(object)
    order = np.lexsort((rows["rank"].to_numpy(), group.to_numpy(dtype=object), best,
                        officer.to_numpy(dtype=object)))  # fmt: skip
    planned = rows.iloc[order].assign(
        group=group.to_numpy(dtype=object)[order], mode=mode[order], size=size[order]
    )
    slot = planned.groupby(planned["officer"].fillna(""), sort=False).cumcount().to_numpy()
    planned = planned.assign(day=slot // per_day + 1, order=slot % per_day + 1)
    planned = planned[planned["day"].to_numpy() <= days].reset_index(drop=True)
    window = deadline_settings(settings).window_days
    planned["purpose"] = _purposes(planned, window, lang)
    planned["note"] = _notes(planned, lang)
    for column in VISIT_COLUMNS:
        if column not in planned:
            planned[column] = None
    return planned[VISIT_COLUMNS]


def _purposes(rows: pd.DataFrame, window: int, lang: str) -> Any:
    """What to bring and do: a demand notice to deliver when a limitation is due or run out,
    the survey form when the type is unknown; then the worklist's next step."""
    words = VISIT_WORDS[lang]
    days_left = rows["days_left"].astype("Float64").fillna(np.inf).to_numpy(dtype=float)
    limitation = rows["next_deadline_kind"].isin(["claim_limitation", "guarantee_limitation"])
    demand = (limitation.to_numpy() & (days_left <= window)) | _flag(rows, "expired_claim")
    form = rows["debtor_type"].to_numpy(dtype=object) == "unclassified"
    step = pa.array(rows["next_step"].to_numpy(dtype=object), pa.string(), from_pandas=True)
    parts = [where_text(demand, words["demand"]), where_text(form, words["form"]), step]
    return join_present(parts, words["separator"]).to_numpy(zero_copy_only=False)


def _notes(rows: pd.DataFrame, lang: str) -> Any:
    words = VISIT_WORDS[lang]
    size = rows["size"].to_numpy()
    together = pa.array(
        np.char.replace(np.full(len(rows), words["together"]), "{n}", size.astype(str)),
        pa.string(),
    )
    helped = rows["third_party_help"] if "third_party_help" in rows else None
    parts = [
        where_text((rows["mode"].to_numpy(dtype=object) != "phone_first") & (size > 1), together),
        where_text(_flag(rows, "minority"), MINORITY_NOTE[lang]),
        where_text(
            np.zeros(len(rows), bool) if helped is None else (helped == "是").to_numpy(bool),
            words["third_party"],
        ),
    ]
    return join_present(parts, words["separator"]).to_numpy(zero_copy_only=False)
