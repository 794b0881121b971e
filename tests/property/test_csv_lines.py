"""Fuzzing the CSV reader: every physical line of a messy file is accounted for by its line
number — used, rejected (with the line it starts on) or skipped — whatever odd characters,
quotes, widths, line breaks and encodings it holds."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npl_cli.ledger import load_ledger

ODD = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "'", "=", "，", " "]
HEADER = "借据号,借款人,贷款余额,到期日"

KINDS = st.sampled_from(["good", "odd", "quoted_break", "blank", "wide", "narrow", "quoted"])


def record(kind: str, number: int, odd: str) -> tuple[str, int]:
    loan = f"L{number}"
    if kind == "good":
        return f"{loan},张三,1000,2024-01-01", 1
    if kind == "odd":
        return f"{loan},张{odd}三,1000,2024-01-01", 1
    if kind == "quoted_break":
        return f'{loan},"张\n三",1000,2024-01-01', 2
    if kind == "quoted":
        return f'{loan},"李""四, 五",2000,2024-01-01', 1
    if kind == "blank":
        return "", 1
    if kind == "wide":
        return f"{loan},张三,1000,2024-01-01,多余", 1
    return f"{loan},张三,1000", 1  # narrow


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(st.sampled_from(ODD), max_size=3),
    kinds=st.lists(KINDS, min_size=1, max_size=40),
    odd=st.sampled_from(ODD),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    unterminated=st.booleans(),
)
def test_every_physical_line_is_accounted_for(
    tmp_path: Path,
    titles: list[str],
    kinds: list[str],
    odd: str,
    encoding: str,
    newline: str,
    unterminated: bool,
) -> None:
    lines = [f"贷款台账{title}2026年10月末" for title in titles] + [HEADER]
    used, rejected, blank = [], [], 0
    for number, kind in enumerate(kinds, start=1):
        text, height = record(kind, number, odd)
        first = len(lines) + 1
        lines.extend(text.split("\n"))
        if kind == "blank":
            blank += 1
        elif kind in ("wide", "narrow"):
            rejected.append(first)
        else:
            used.append(first)
        assert len(lines) == first + height - 1
    if unterminated:  # a quote opened on the last line and never closed
        lines.append('L999,"王五,1000,2024-01-01')
        rejected.append(len(lines))
    path = tmp_path / f"fuzz-{encoding}.csv"
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    ledger = load_ledger(path)
    assert ledger.frame["source_row"].tolist() == used
    assert ledger.rejects["source_row"].tolist() == rejected
    assert ledger.skipped.get("blank", 0) == blank
    assert ledger.rows_read == ledger.rows_used + ledger.rows_rejected + ledger.rows_skipped
    assert ledger.rows_read == len(used) + len(rejected) + blank
    assert ledger.header_row == len(titles) + 1
