"""`npl watch calibrate`: a regularised logistic regression on the back-test's data, the rules'
signals as features, turned into suggested points per rule. It only suggests: the rules change
when the user writes the suggestion to a file and uses it (`--rules FILE`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from npl_cli.errors import UsageError
from npl_cli.warning import BacktestData, Warning, auc

INSTALL_HINT = "pip install 'npl-cli[ml]'"


def _fit(hits: np.ndarray, bad: np.ndarray, strength: float) -> np.ndarray:
    """Coefficients of an L2-regularised logistic regression (C = `strength`)."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise UsageError(
            f"npl watch calibrate needs scikit-learn, which is not installed: {INSTALL_HINT}"
        ) from None
    model = LogisticRegression(C=strength, max_iter=1000)
    model.fit(hits.astype(float), bad)
    return np.asarray(model.coef_[0], dtype=float)


def suggested_points(
    hits: np.ndarray, bad: np.ndarray, current: np.ndarray, strength: float
) -> tuple[np.ndarray, np.ndarray]:
    """Whole points proportional to each rule's coefficient, scaled so that the rules that
    fired share the points they have today (so the level thresholds keep their meaning); a
    rule with no weight of its own (negative coefficient) gets 0, one that never fired keeps
    its points (the data says nothing about it)."""
    fired = hits.any(axis=0)
    coefficients = np.zeros(hits.shape[1])
    if fired.any():
        coefficients[fired] = _fit(hits[:, fired], bad, strength)
    positive = np.clip(coefficients, 0.0, None)
    budget = current[fired].sum()
    scale = budget / positive.sum() if positive.sum() > 0 else 0.0
    points = np.where(fired, np.round(positive * scale), current)
    return points, coefficients


def calibrate(
    data: BacktestData, warnings: Sequence[Warning], *, horizon: int, strength: float = 1.0
) -> dict[str, Any]:
    """Suggested points per rule and the AUC with today's points and with the suggestion, on
    all the back-test's loans and, out of time, on its last period with a fit on the earlier
    ones."""
    bad = data.bad
    if not data.periods:
        raise UsageError(
            f"a calibration needs more than {horizon} snapshots in the workspace (one to score "
            f"and {horizon} after it); load more months or lower --horizon"
        )
    if bad.all() or not bad.any():
        raise UsageError(
            "the back-test's loans all went the same way (all bad or none): nothing to fit; "
            "load more months or change --horizon"
        )
    current = np.array([w.points for w in warnings])
    points, coefficients = suggested_points(data.hits, bad, current, strength)
    holdout = None
    last = data.period == len(data.periods) - 1
    earlier = ~last
    if len(data.periods) > 1 and bad[earlier].any() and not bad[earlier].all():
        fitted, _ = suggested_points(data.hits[earlier], bad[earlier], current, strength)
        holdout = {
            "period": data.periods[-1],
            "auc_before": auc(data.hits[last] @ current, bad[last]),
            "auc_after": auc(data.hits[last] @ fitted, bad[last]),
        }
    return {
        "horizon_months": horizon,
        "periods": data.periods,
        "scored": int(len(bad)),
        "bad": int(bad.sum()),
        "regularisation_c": strength,
        "auc_before": auc(data.hits @ current, bad),
        "auc_after": auc(data.hits @ points, bad),
        "out_of_time": holdout,
        "rules": [
            {
                "name": w.name,
                "points": float(current[i]),
                "suggested": float(points[i]),
                "coefficient": round(float(coefficients[i]), 4),
                "fired": int(data.hits[:, i].sum()),
            }
            for i, w in enumerate(warnings)
        ],
    }


def rules_file(raw: Sequence[Mapping[str, Any]], result: Mapping[str, Any]) -> str:
    """The warning rules as a TOML file with the suggested points, for `--rules FILE` or
    `npl.toml`: rules of the same name replace the packaged ones."""
    suggested = {rule["name"]: rule["suggested"] for rule in result["rules"]}
    lines = [
        "# Warning rules with points suggested by `npl watch calibrate`",
        f"# (horizon {result['horizon_months']} months, periods {', '.join(result['periods'])};"
        f" AUC {_figure(result['auc_before'])} → {_figure(result['auc_after'])}).",
        "# Review before use: npl watch --backtest --rules THIS_FILE",
        "",
    ]
    for entry in raw:
        lines.append("[[warnings]]")
        for key, value in entry.items():
            if key == "points" and entry.get("name") in suggested:
                value = _whole(suggested[entry["name"]])
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    return "\n".join(lines)


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _toml(value: Any) -> str:
    """A TOML value for the closed vocabulary of the rules: tables, lists, strings, numbers,
    booleans (JSON's string escapes are TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):  # a datetime too: TOML's own date and time forms
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(f"not a rules value: {value!r}")


def _key(key: str) -> str:
    return key if key.replace("_", "").isalnum() and key.isascii() else json.dumps(key)
