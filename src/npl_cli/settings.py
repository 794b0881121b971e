"""The typed, frozen settings tree: built once from the packaged defaults (defaults.toml) merged
with the user's file, after config.py has checked every key, type and range. The dataclasses
have no defaults of their own: defaults.toml is the only place a default lives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from npl_cli.errors import ConfigError, did_you_mean
from npl_cli.schema import DEBTOR_TYPES, RISK_CLASSES, TACTIC_CONDITIONS, TACTICS


@dataclass(frozen=True)
class Floors:
    """DPD thresholds: a loan is at least the class whose threshold its DPD exceeds."""

    special_mention_after: int
    substandard_after: int
    doubtful_after: int
    loss_after: int


@dataclass(frozen=True)
class AgingSettings:
    bands: tuple[tuple[str, int], ...]
    overflow_band: str
    floors: Floors
    card_floors: Floors
    card_products: tuple[str, ...]
    non_retail_types: tuple[str, ...]

    @property
    def band_names(self) -> list[str]:
        return [name for name, _ in self.bands] + [self.overflow_band]


@dataclass(frozen=True)
class DeadlineSettings:
    """[deadlines]: the window, and the words that decide what a demand or act proved."""

    window_days: int
    top: int
    strict_evidence: bool  # a command-line choice, not a config key
    delivered_words: tuple[str, ...]
    undelivered_words: tuple[str, ...]
    signed_words: tuple[str, ...]
    notice_words: tuple[str, ...]
    written_words: tuple[str, ...]
    lost_contact_words: tuple[str, ...]
    until_paid_words: tuple[str, ...]
    general_guarantee_words: tuple[str, ...]
    joint_guarantee_words: tuple[str, ...]


@dataclass(frozen=True)
class PrioritySettings:
    urgent_days: int
    window_days: int
    horizon_days: int
    urgent_points: float
    window_points: float
    horizon_points: float
    expired_points: float
    balance_weight: float
    guarantor_points: float
    collateral_points: float
    stage_points: Mapping[str, float]
    type_points: Mapping[str, float]
    tactics_by_type: Mapping[str, tuple[str, ...]]
    tactics_when: Mapping[str, tuple[str, ...]]
    tactics_not_when: Mapping[str, tuple[str, ...]]  # left out under a condition
    promise_days: int  # an open promise due within this many days puts the debtor on the list
    lost_contact_words: tuple[str, ...]  # [deadlines] lost_contact_words: one list for both


@dataclass(frozen=True)
class ProvisionSettings:
    rates: Mapping[str, float]  # by risk class
    loan_provision_line: float
    coverage_line: float
    held: float | None  # None: not given


@dataclass(frozen=True)
class Typed:
    """Every section the code reads, typed."""

    lang: str
    workspace_path: str
    aging: AgingSettings
    deadlines: DeadlineSettings
    priority: PrioritySettings
    triage_top: int
    provisions: ProvisionSettings


def build(merged: Mapping[str, Any]) -> Typed:
    """The typed tree from the merged (and already checked) configuration."""
    deadlines = deadline_settings(merged["deadlines"])
    return Typed(
        lang=str(merged["lang"]),
        workspace_path=str(merged["workspace"]["path"]),
        aging=aging_settings(merged["aging"], merged["classification"]),
        deadlines=deadlines,
        priority=priority_settings(
            merged["priority"], merged["tactics"], merged["triage"], deadlines
        ),
        triage_top=int(merged["triage"]["top"]),
        provisions=provision_settings(merged["provisions"]),
    )


def provision_settings(section: Mapping[str, Any]) -> ProvisionSettings:
    rates = {str(k): float(v) for k, v in dict(section["rates"]).items()}
    unknown = [k for k in rates if k not in RISK_CLASSES]
    missing = [k for k in RISK_CLASSES if k not in rates]
    if unknown or missing:
        raise ConfigError(
            f"[provisions] rates: give one rate for each class ({', '.join(RISK_CLASSES)})"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    held = float(section["held"])
    return ProvisionSettings(
        rates=rates,
        loan_provision_line=float(section["loan_provision_line"]),
        coverage_line=float(section["coverage_line"]),
        held=held if held > 0 else None,
    )


def aging_settings(aging: Mapping[str, Any], classification: Mapping[str, Any]) -> AgingSettings:
    bands = tuple((str(k), int(v)) for k, v in dict(aging["bands"]).items())  # checked by config
    grace = int(classification["technical_grace_days"])
    card = classification["credit_card"]
    return AgingSettings(
        bands=bands,
        overflow_band=str(aging["overflow_band"]),
        floors=_floors(grace, classification),
        card_floors=_floors(grace, card),
        card_products=tuple(card["products"]),
        non_retail_types=tuple(classification["non_retail_types"]),
    )


def _floors(grace: int, section: Mapping[str, Any]) -> Floors:
    return Floors(
        grace,
        int(section["substandard_after"]),
        int(section["doubtful_after"]),
        int(section["loss_after"]),
    )


def deadline_settings(section: Mapping[str, Any], **overrides: Any) -> DeadlineSettings:
    """[deadlines] typed; `overrides` (a command's --days, --strict-evidence) win where given."""
    words = {
        name: tuple(section[name])
        for name in DeadlineSettings.__dataclass_fields__
        if name.endswith("_words")
    }
    values: dict[str, Any] = {
        "window_days": int(section["window_days"]),
        "top": int(section["top"]),
        "strict_evidence": False,
        **words,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return DeadlineSettings(**values)


POINTS = ("urgent_points", "window_points", "horizon_points", "expired_points",
          "balance_weight", "guarantor_points", "collateral_points")  # fmt: skip


def priority_settings(
    priority: Mapping[str, Any],
    tactics: Mapping[str, Any],
    triage: Mapping[str, Any],
    deadlines: DeadlineSettings,
) -> PrioritySettings:
    by_type = {k: tuple(v) for k, v in tactics.items() if k not in ("when", "not_when")}
    when = {k: tuple(v) for k, v in dict(tactics["when"]).items()}
    not_when = {k: tuple(v) for k, v in dict(tactics["not_when"]).items()}
    _check_tactics(by_type, when, not_when)
    return PrioritySettings(
        urgent_days=int(triage["urgent_days"]),
        window_days=deadlines.window_days,
        horizon_days=int(priority["horizon_days"]),
        stage_points={str(k): float(v) for k, v in dict(priority["stage_points"]).items()},
        type_points={str(k): float(v) for k, v in dict(priority["type_points"]).items()},
        tactics_by_type=by_type,
        tactics_when=when,
        tactics_not_when=not_when,
        promise_days=int(triage["promise_days"]),
        lost_contact_words=deadlines.lost_contact_words,
        **{name: float(priority[name]) for name in POINTS},
    )


def _check_tactics(
    by_type: Mapping[str, Sequence[str]],
    when: Mapping[str, Sequence[str]],
    not_when: Mapping[str, Sequence[str]],
) -> None:
    codes = tuple(TACTICS)
    for key, listed in [
        *(("tactics." + t, v) for t, v in by_type.items()),
        *(("tactics.when." + c, v) for c, v in when.items()),
        *(("tactics.not_when." + c, v) for c, v in not_when.items()),
    ]:
        section, name = key.rsplit(".", 1)
        allowed = DEBTOR_TYPES if section == "tactics" else TACTIC_CONDITIONS
        if name not in allowed:
            raise ConfigError(f"unknown key '{key}'{did_you_mean(name, allowed)}")
        for code in listed:
            if code not in codes:
                raise ConfigError(f"{key}: unknown tactic '{code}'{did_you_mean(code, codes)}")
        if "court_blacklist" in listed and key != "tactics.when.after_judgment":
            raise ConfigError(
                f"{key}: court_blacklist is only offered after a judgment (through the court's "
                "defaulter list); list it under tactics.when.after_judgment only"
            )
