"""`npl survey plan` and `npl visits` on screen (masked) and as workbooks (in `--lang`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console

from npl_cli.export import Sheet
from npl_cli.pipeline.survey import MINORITY_ADVICE, SurveyPlan
from npl_cli.render.labels import code_label, column_label, type_label
from npl_cli.render.mask import mask_for_screen
from npl_cli.render.workbook import for_people
from npl_cli.render.workspace import print_frame
from npl_cli.survey import text_of

SCREEN_SELECTED = ["order", "officer", "debtor_name", "place", "clustered", "band", "dpd",
                   "balance", "debtor_type", "expired_claim", "minority"]  # fmt: skip
SCREEN_VISITS = ["day", "officer", "group", "order", "debtor_name", "phone", "balance", "dpd",
                 "debtor_type", "mode", "purpose", "note"]  # fmt: skip
TITLES = {
    "zh": {"regions": "选区域：各区域逾期借款人（每片区户数 ≥ {n} 为集中）",
           "groups": "筛群体：客户类型与职业", "officers": "定数量：每位客户经理调研 {n} 户",
           "bands": "明账龄：选中借款人的账龄", "selected": "调研名单（待调研优先，按优先级）",
           "visits": "走访计划", "expired": "诉讼时效已届满 {n} 户：调研时争取签字确认（重新起算）",
           "minority": "少数民族客户 {n} 户：" + MINORITY_ADVICE["zh"]},
    "en": {"regions": "regions: overdue debtors (clustered at {n} or more per place)",
           "groups": "groups: customer type and occupation",
           "officers": "how many: {n} debtors per officer", "bands": "aging of those selected",
           "selected": "to survey (unclassified first, by priority)", "visits": "visit plan",
           "expired": "{n} claims time-barred: seek a signed acknowledgment (a revival)",
           "minority": "{n} minority customers: " + MINORITY_ADVICE["en"]},
}  # fmt: skip
SHEETS = {
    "zh": {"summary": "概要", "regions": "区域", "groups": "客群", "officers": "客户经理",
           "bands": "账龄", "selected": "调研名单"},
    "en": {"summary": "summary", "regions": "regions", "groups": "groups",
           "officers": "officers", "bands": "aging", "selected": "selected"},
}  # fmt: skip


def _words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Coded values in the words of `lang` (screens)."""
    out = frame.copy()
    if "clustered" in out:
        out["clustered"] = out["clustered"].map(
            lambda v: code_label("clustered" if v in (True, "clustered") else "scattered", lang)
        )
    for column in ("debtor_type",):
        if column in out:
            out[column] = out[column].map(lambda v: type_label(str(v), lang))
    for column in ("mode",):
        if column in out:
            out[column] = out[column].map(lambda v: code_label(str(v), lang))
    yes = "是" if lang == "zh" else "yes"
    for column in ("expired_claim", "minority"):
        if column in out:
            out[column] = out[column].map({True: yes}).fillna("")
    return out


def render_plan(plan: SurveyPlan, console: Console, *, lang: str, mask: bool, top: int) -> None:
    titles = TITLES[lang]
    regions = _words(plan.regions, lang)
    print_frame(console, regions, list(regions.columns),
                titles["regions"].format(n=f"{plan.clustered_at:g}"), lang)  # fmt: skip
    print_frame(console, plan.groups, list(plan.groups.columns), titles["groups"], lang)
    officers = plan.officers
    print_frame(console, officers, list(officers.columns),
                titles["officers"].format(n=plan.per_officer), lang)  # fmt: skip
    print_frame(console, plan.bands, list(plan.bands.columns), titles["bands"], lang)
    if plan.expired:
        console.print(titles["expired"].format(n=plan.expired))
    if plan.minority:
        console.print(titles["minority"].format(n=plan.minority))
    shown = plan.selected.head(top)
    shown = _words(mask_for_screen(shown) if mask else shown, lang)
    print_frame(console, shown, SCREEN_SELECTED, titles["selected"], lang)


def render_visits(frame: pd.DataFrame, console: Console, *, lang: str, mask: bool) -> None:
    shown = _words(mask_for_screen(frame) if mask else frame, lang)
    print_frame(console, shown, SCREEN_VISITS, TITLES[lang]["visits"], lang)


def plan_book(plan: SurveyPlan, lang: str) -> dict[str, Sheet]:
    names, titles = SHEETS[lang], TITLES[lang]
    label = "项目" if lang == "zh" else "item"
    value = "值" if lang == "zh" else "value"
    summary = pd.DataFrame(
        [(column_label(k, lang) if lang == "zh" else k, v) for k, v in plan.summary().items()],
        columns=[label, value],
    )
    notes = [titles[k].format(n=getattr(plan, k)) for k in ("expired", "minority")]
    summary = pd.concat([summary, pd.DataFrame({label: notes, value: None})], ignore_index=True)
    regions = plan.regions.assign(
        clustered=plan.regions["clustered"].map({True: "clustered", False: "scattered"})
    )
    amounts = frozenset({column_label("balance", lang)})
    return {
        names["summary"]: Sheet(summary, wrapped=frozenset({label})),
        names["regions"]: Sheet(for_people(regions, lang), amounts=amounts),
        names["groups"]: Sheet(for_people(plan.groups, lang), amounts=amounts),
        names["officers"]: Sheet(for_people(plan.officers, lang)),
        names["bands"]: Sheet(for_people(plan.bands, lang), amounts=amounts),
        names["selected"]: Sheet(
            for_people(plan.selected, lang),
            amounts=amounts,
            wrapped=frozenset({column_label(c, lang) for c in ("address", "loan_ids")}),
        ),
    }


def visits_book(frame: pd.DataFrame, lang: str) -> dict[str, Sheet]:
    """A sheet per officer, print-ready."""
    sheets: dict[str, Sheet] = {}
    officers = text_of(frame, "officer")
    wrapped = frozenset({column_label(c, lang) for c in ("purpose", "note", "address")})
    for officer in pd.unique(officers.to_numpy(dtype=object)):
        mine = frame[(officers == officer).to_numpy()]
        name = str(officer) or ("未分配" if lang == "zh" else "unassigned")
        sheets[name[:31]] = Sheet(
            for_people(mine, lang),
            amounts=frozenset({column_label("balance", lang)}),
            wrapped=wrapped,
        )
    if not sheets:
        sheets["走访计划" if lang == "zh" else "visits"] = Sheet(for_people(frame, lang))
    return sheets


def plan_json(plan: SurveyPlan) -> dict[str, Any]:
    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        cleaned = frame.astype(object).where(frame.notna(), None)
        return [{str(k): v for k, v in row.items()} for row in cleaned.to_dict("records")]

    return {
        **plan.summary(),
        "regions": records(plan.regions),
        "groups": records(plan.groups),
        "officers": records(plan.officers),
        "bands": records(plan.bands),
        "selected": records(plan.selected),
    }
