"""What a workbook shows people: headers and coded values in the `--lang` language (risk
class 次级, debtor type 不良型, tactics 主动出击；借助关系, status 已届满 …). CSV, JSON and
JSONL keep the stable English codes and column names; bands stay M3."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from npl_cli.render.labels import (
    class_label,
    code_label,
    column_label,
    kind_label,
    stage_label,
    tactic_label,
)
from npl_cli.render.labels import type_label as debtor_type_label

YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
TACTIC_JOIN = {"zh": "；", "en": "; "}


def for_people(frame: pd.DataFrame, lang: str, *, action_kinds: bool = False) -> pd.DataFrame:
    """The frame with coded columns in words and headers in `lang`, each distinct value
    translated once. `action_kinds`: the frame's `kind` is an action's (else a deadline's)."""
    kind = code_label if action_kinds else kind_label
    words: dict[str, Callable[[str, str], object]] = {
        "risk_class": class_label,
        "debtor_type": debtor_type_label,
        "kind": kind,
        "next_deadline_kind": kind_label,
        "status": code_label,
        "action_kind": code_label,
        "promise_status": code_label,
        "tactics": tactics_label,
        "under_classified": flag_label,
        "stage": stage_label,
        "level": code_label,
        "last_action": code_label,
        "mode": code_label,
        "clustered": code_label,
    }
    out = frame.copy()
    for column, translate in words.items():
        if column in out:
            codes, uniques = pd.factorize(out[column].astype(object))
            texts = np.array([translate(str(u), lang) for u in uniques] + [None], dtype=object)
            out[column] = texts[codes]  # a missing value's code -1 takes the appended None
    if action_kinds:
        out = out.rename(columns={"kind": "action_kind"})
    return out.rename(columns=lambda name: column_label(str(name), lang))


def tactics_label(codes: str, lang: str) -> str:
    return TACTIC_JOIN[lang].join(tactic_label(code, lang) for code in codes.split(";") if code)


def flag_label(value: str, lang: str) -> str:
    yes, no = YES_NO[lang]
    return yes if value in ("True", "true") else no if value in ("False", "false") else value
