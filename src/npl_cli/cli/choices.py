"""Filter values as a desk user types them: codes or words in either language, any case, and
amounts as written (10万, 100,000); anything else is exit 2 naming what is allowed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from npl_cli.errors import UsageError, did_you_mean
from npl_cli.ledger.coerce import parse_amounts
from npl_cli.messages import said
from npl_cli.schema import DEADLINE_KIND_LABELS, DEADLINE_KINDS, DEBTOR_TYPE_LABELS, DEBTOR_TYPES


def _words(codes: Sequence[str], labels: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Each code, and its label in every language, casefolded -> the code."""
    out = {code.casefold(): code for code in codes}
    for by_code in labels.values():
        out.update({label.casefold(): code for code, label in by_code.items()})
    return out


DEBTOR_TYPE_WORDS = _words(DEBTOR_TYPES, DEBTOR_TYPE_LABELS)
KIND_WORDS = _words(DEADLINE_KINDS, DEADLINE_KIND_LABELS)


def pick(
    values: Iterable[str] | None,
    words: Mapping[str, str],
    option: str,
    labels: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """The codes the given values name; an unknown one is a usage error listing the codes
    (with their Chinese `labels`)."""
    codes = []
    for value in values or ():
        code = words.get(value.strip().casefold())
        if code is None:
            allowed = list(dict.fromkeys(words.values()))
            shown = [f"{c} ({labels[c]})" if labels and c in labels else c for c in allowed]
            raise UsageError(
                said(
                    f"{option} '{value}': not one of {', '.join(shown)}"
                    + did_you_mean(value, allowed),
                    f"{option} “{value}”：可选值为 {'、'.join(shown)}",
                )
            )
        codes.append(code)
    return tuple(codes)


def debtor_types(values: Iterable[str] | None) -> tuple[str, ...]:
    return pick(values, DEBTOR_TYPE_WORDS, "--type", DEBTOR_TYPE_LABELS["zh"])


def deadline_kinds(values: Iterable[str] | None) -> tuple[str, ...]:
    return pick(values, KIND_WORDS, "--kind", DEADLINE_KIND_LABELS["zh"])


def bands(values: Iterable[str] | None, names: Sequence[str]) -> tuple[str, ...]:
    return pick(values, {name.casefold(): name for name in names}, "--band")


def amount(text: str | None, option: str) -> float | None:
    """An amount option in yuan: 100000, 100,000, ¥100,000 or 10万."""
    if text is None:
        return None
    parsed, bad, _ = parse_amounts(pd.Series([text]))
    if bad[0] or parsed[0] < 0:
        raise UsageError(
            said(
                f"{option} '{text}': not an amount; use 100000, 100,000 or 10万",
                f"{option} “{text}”不是金额；请写 100000、100,000 或 10万",
            )
        )
    return float(parsed[0])
