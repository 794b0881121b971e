"""Configuration: every value type- and range-checked at load against its packaged default,
every problem reported at once with its key path and the file; files as Windows editors save
them (BOM, UTF-16, GBK) are read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from npl_cli.config import load_settings
from npl_cli.errors import ConfigError
from npl_cli.rules import compile_rules, known_fields
from tests.conftest import write_csv


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "npl.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[deadlines]\nwindow_days = "ninety"\n',
         "deadlines.window_days: expected a whole number ≥ 0, got 'ninety'"),
        ("[aging]\nbands = {}\n", "aging.bands: list the bands, e.g. bands = { M0 = 0, M1 = 30 }"),
        ("[deadlines]\nwindow_days = -1\n",
         "deadlines.window_days: expected a whole number ≥ 0, got -1"),
        ('[deadlines]\ndelivered_words = "签收"\n',
         'deadlines.delivered_words: expected a list of words such as ["签收"], got the text '
         "'签收'"),
        ("[aging]\nbands = { M0 = 0, M1 = 30.5 }\n",
         "aging.bands: expected whole numbers of days ≥ 0, got {'M0': 0, 'M1': 30.5}"),
        ("[aging]\nbands = { M0 = 0, M1 = 60, M2 = 30 }\n",
         "aging.bands: each band must end later than the one before: "
         "{'M0': 0, 'M1': 60, 'M2': 30}"),
        ("replace_default_rules = 1\n", "replace_default_rules: expected true or false, got 1"),
        ('lang = "fr"\n', 'lang: expected "zh" or "en", got \'fr\''),
    ],
)  # fmt: skip
def test_a_wrong_type_or_range_names_the_key_and_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = config(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert str(raised.value) == f"{path}: {message}"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = config(
        tmp_path, '[deadlines]\nwindow_days = "x"\nwindow_dayz = 3\n[triage]\ntop = 1.5\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(path)
    assert str(raised.value) == (
        f"{path}: 3 problems: deadlines.window_days: expected a whole number ≥ 0, got 'x'; "
        "unknown key 'deadlines.window_dayz'; did you mean 'window_days'?; "
        "triage.top: expected a whole number ≥ 0, got 1.5"
    )


def test_the_cli_says_it_in_one_line_with_exit_2(tmp_path: Path, run: Any) -> None:
    """A config value of the wrong type used to crash (exit 1, UFuncTypeError)."""
    config(tmp_path, '[deadlines]\nwindow_days = "ninety"\n')
    write_csv(tmp_path / "l.csv", [["借据号", "贷款余额", "到期日"], ["L1", "1", "2024-01-01"]])
    result = run("limitation", "l.csv")
    assert result.exit_code == 2
    assert result.stderr == (
        f"npl: error: {tmp_path / 'npl.toml'}: deadlines.window_days: expected a whole number "
        "≥ 0, got 'ninety'\n"
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gbk"])
def test_windows_encodings_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "npl.toml"
    path.write_text(
        '[deadlines]\ndelivered_words = ["妥投"]\nwindow_days = 30\n', encoding=encoding
    )
    deadlines = load_settings(path).typed.deadlines
    assert (deadlines.delivered_words, deadlines.window_days) == (("妥投",), 30)


def test_two_bad_rules_are_both_reported_with_suggestions() -> None:
    rules = [
        {"name": "a", "type": "malicous", "when": {"field": "dpd", "gt": 90}},
        {"name": "b", "type": "hardship", "when": {"field": "dpdd", "gt": 90}},
    ]
    with pytest.raises(ConfigError) as raised:
        compile_rules(rules, known_fields())
    assert str(raised.value) == (
        "2 problems: rule 'a': type 'malicous' is not a debtor type; use one of accidental, "
        "hardship, irresponsible, malicious; did you mean 'malicious'?; "
        "rule 'b': unknown field 'dpdd'; did you mean 'dpd'?"
    )


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({"field": "notes", "contains_any": "失联"}, "'contains_any' needs a non-empty list"),
        ({"field": "notes", "contains_any": ["x" * 201]},
         "'contains_any' needs words (text of 1-200 chars)"),
        ({"field": "notes", "contains_any": [f"w{i}" for i in range(1001)]},
         "'contains_any' lists more than 1000 values"),
        ({"field": "dpd", "gt": [90]}, "'gt' needs a number or a date, got [90]"),
    ],
)  # fmt: skip
def test_rule_values_of_the_wrong_shape_are_refused_at_load(
    when: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        compile_rules([{"name": "r", "type": "malicious", "when": when}], known_fields())
    assert str(raised.value) == f"rule 'r': {message}"


def test_deep_nesting_is_refused() -> None:
    when: dict[str, Any] = {"field": "dpd", "gt": 1}
    for _ in range(10):
        when = {"not": when}
    with pytest.raises(ConfigError) as raised:
        compile_rules([{"name": "deep", "type": "malicious", "when": when}], known_fields())
    assert str(raised.value) == "rule 'deep': conditions nested more than 8 deep; simplify it"


def test_rules_check_reports_every_bad_rule(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "r.toml"
    path.write_text(
        '[[rules]]\nname = "a"\ntype = "x"\nwhen = { field = "dpd", gt = 1 }\n'
        '[[rules]]\nname = "b"\ntype = "hardship"\nwhen = { field = "dpd", gtt = 1 }\n',
        encoding="utf-8",
    )
    result = run("rules", "check", "r.toml")
    assert result.exit_code == 2
    assert result.stderr.startswith("npl: error: r.toml: 2 problems: rule 'a': type 'x'")
    assert "rule 'b': field 'dpd' needs" not in result.stderr
    assert "rule 'b': unknown operator 'gtt'; did you mean 'gt'?" in result.stderr
