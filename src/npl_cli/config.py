"""Find, merge and validate configuration; return frozen settings.

One user file is merged over the packaged defaults: the first of --config, $NPL_CONFIG,
./npl.toml and npl.toml in the user's config folder (see user_dir).
"""

from __future__ import annotations

import codecs
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from npl_cli.errors import ConfigError, did_you_mean
from npl_cli.schema import COLUMN_BY_NAME, DEBTOR_TYPES
from npl_cli.settings import Typed, build

# Tables whose keys are the user's to choose (checked elsewhere or free); their values are
# still type-checked by the code that uses them.
_FREE_TABLES = {("aging", "bands"), ("priority", "stage_points")}
_KEYED_TABLES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("columns",): tuple(COLUMN_BY_NAME),
    ("priority", "type_points"): DEBTOR_TYPES,
}
_RULE_KEYS = ("name", "type", "when", "note")
_WARNING_KEYS = ("name", "points", "when", "reason_zh", "reason_en")
_EXTRA_TOP_KEYS = ("replace_default_rules",)


@dataclass(frozen=True)
class Settings:
    """The effective configuration: the packaged defaults with the user's file merged over."""

    data: Mapping[str, Any]
    source: Path | None
    rules_source: Path | None
    typed: Typed  # every section the code reads, typed (settings.py)

    @property
    def columns(self) -> dict[str, str]:
        return dict(self.data["columns"])

    @property
    def lang(self) -> str:
        return self.typed.lang

    @property
    def rules(self) -> list[Mapping[str, Any]]:
        return list(self.data["rules"])

    @property
    def warnings(self) -> list[Mapping[str, Any]]:
        """The early-warning rules: the user's first, then the packaged ones."""
        return list(self.data["warnings"])


def defaults() -> dict[str, Any]:
    text = resources.files("npl_cli").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def user_config_path(flag: Path | None, cwd: Path | None = None) -> Path | None:
    """The user's config file, by precedence: flag, $NPL_CONFIG, ./npl.toml, user config dir."""
    if flag is not None:
        if not flag.is_file():
            raise ConfigError(f"{flag}: config file not found; check the path given to --config")
        return flag
    env = os.environ.get("NPL_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{path}: config file named by NPL_CONFIG not found; fix or unset it")
        return path
    local = (cwd or Path.cwd()) / "npl.toml"
    if local.is_file():
        return local
    user = user_dir("config") / "npl.toml"
    return user if user.is_file() else None


def user_dir(kind: str) -> Path:
    """npl's folder for the user's `kind` of files ('config' or 'data'): $XDG_CONFIG_HOME or
    $XDG_DATA_HOME when set, else the platform's place — %APPDATA% / %LOCALAPPDATA% on
    Windows, ~/Library/Application Support on macOS, ~/.config / ~/.local/share elsewhere."""
    xdg = os.environ.get("XDG_CONFIG_HOME" if kind == "config" else "XDG_DATA_HOME")
    if xdg:
        return Path(xdg) / "npl"
    home = Path.home()
    if sys.platform == "win32":
        variable, folder = ("APPDATA", "Roaming") if kind == "config" else ("LOCALAPPDATA", "Local")
        return Path(os.environ.get(variable) or home / "AppData" / folder) / "npl"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "npl"
    return home / (".config" if kind == "config" else ".local/share") / "npl"


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as Windows editors save it too: UTF-8 with or without a BOM, UTF-16 with
    its BOM, or GBK/GB18030."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise ConfigError(
                    f"{path}: not readable text (neither UTF-8 nor GBK); save it as UTF-8"
                ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix the file") from None


def load_settings(config: Path | None = None, rules: Path | None = None) -> Settings:
    """Defaults, merged with the user's config file, then with a rules file if given."""
    merged = defaults()
    source = user_config_path(config)
    if source is not None:
        user = read_toml(source)
        validate_keys(user, merged, source)
        merged = merge_config(merged, user)
    if rules is not None:
        if not rules.is_file():
            raise ConfigError(f"{rules}: rules file not found; check the path given to --rules")
        user_rules = read_toml(rules)
        validate_keys(
            user_rules, {"rules": [], "replace_default_rules": False, "warnings": []}, rules
        )
        merged = merge_config(merged, user_rules)
    return Settings(merged, source, rules, build(merged))


def merge_config(base: dict[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge tables; user rules come before the defaults unless replace_default_rules."""
    out = dict(base)
    for key, value in user.items():
        if key == "rules":
            keep = [] if user.get("replace_default_rules") else list(base.get("rules", []))
            out["rules"] = list(value) + keep
        elif key == "warnings":  # the user's first; one of the same name replaces the packaged
            named = {entry.get("name") for entry in value}
            kept = [entry for entry in base.get("warnings", []) if entry.get("name") not in named]
            out["warnings"] = list(value) + kept
        elif isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            out[key] = merge_config(dict(base[key]), value)
        else:
            out[key] = value
    return out


def validate_keys(user: Mapping[str, Any], reference: Mapping[str, Any], source: Path) -> None:
    """Every key known and every value of the type and range its default has; all problems
    at once, each with its key path."""
    problems: list[str] = []
    _check_table(user, reference, (), problems)
    if problems:
        count = f"{len(problems)} problems: " if len(problems) > 1 else ""
        raise ConfigError(f"{source}: {count}{'; '.join(problems)}")


MAX_WORDS, MAX_WORD = 1000, 200  # a word list is words, not a document


def _check_table(
    user: Mapping[str, Any], reference: Mapping[str, Any], path: tuple[str, ...],
    problems: list[str],
) -> None:  # fmt: skip
    if path == ("aging", "bands"):
        _check_bands(user, problems)
        return
    if path in _FREE_TABLES:
        for key, value in user.items():
            if not _is_number(value):
                problems.append(f"{_dotted((*path, key))}: expected a number, got {value!r}")
        return
    allowed = _KEYED_TABLES.get(path) or tuple(reference) + (_EXTRA_TOP_KEYS if not path else ())
    for key, value in user.items():
        dotted = _dotted((*path, key))
        if key not in allowed:
            problems.append(f"unknown key '{dotted}'{did_you_mean(key, allowed)}")
        elif key in ("rules", "warnings") and not path:
            _check_rules(value, problems, key)
        elif path in _KEYED_TABLES:
            expected = "a number" if path == ("priority", "type_points") else "text"
            ok = _is_number(value) if expected == "a number" else isinstance(value, str)
            if not ok:
                problems.append(f"{dotted}: expected {expected}, got {value!r}")
        elif key == "replace_default_rules" and not path:
            if not isinstance(value, bool):
                problems.append(f"{dotted}: expected true or false, got {value!r}")
        else:
            _check_value(value, reference[key], (*path, key), problems)


def _check_value(value: Any, default: Any, path: tuple[str, ...], problems: list[str]) -> None:
    """`value` against the type of its packaged `default`."""
    dotted = _dotted(path)
    if isinstance(default, Mapping):
        if not isinstance(value, Mapping):
            problems.append(f"{dotted}: expected a table [{dotted}], got {value!r}")
        else:
            _check_table(value, default, path, problems)
    elif isinstance(default, bool):
        if not isinstance(value, bool):
            problems.append(f"{dotted}: expected true or false, got {value!r}")
    elif isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{dotted}: expected a whole number ≥ 0, got {value!r}")
    elif isinstance(default, float):
        if not _is_number(value) or value < 0:
            problems.append(f"{dotted}: expected a number ≥ 0, got {value!r}")
    elif isinstance(default, str):
        if not isinstance(value, str):
            problems.append(f"{dotted}: expected text, got {value!r}")
        elif dotted == "lang" and value not in ("", "zh", "en"):
            problems.append(f'lang: expected "zh" or "en", got {value!r}')
    elif isinstance(default, list):
        if isinstance(value, str):
            problems.append(
                f'{dotted}: expected a list of words such as ["{value}"], got the text {value!r}'
            )
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{dotted}: expected a list of words, got {value!r}")
        elif len(value) > MAX_WORDS or any(len(v) > MAX_WORD or not v.strip() for v in value):
            problems.append(
                f"{dotted}: expected at most {MAX_WORDS} non-empty words of at most {MAX_WORD} "
                "characters"
            )


def _check_bands(bands: Mapping[str, Any], problems: list[str]) -> None:
    limits = list(bands.values())
    if not limits:
        problems.append("aging.bands: list the bands, e.g. bands = { M0 = 0, M1 = 30 }")
    elif not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in limits):
        problems.append(f"aging.bands: expected whole numbers of days ≥ 0, got {dict(bands)}")
    elif any(b <= a for a, b in zip(limits, limits[1:], strict=False)):
        problems.append(f"aging.bands: each band must end later than the one before: {dict(bands)}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _check_rules(value: object, problems: list[str], section: str = "rules") -> None:
    """[[rules]] or [[warnings]]: a list of tables with known keys (the conditions are
    checked when the rules are compiled)."""
    keys = _RULE_KEYS if section == "rules" else _WARNING_KEYS
    what = "rule" if section == "rules" else "warning"
    if not isinstance(value, list):
        problems.append(f"'{section}' must be a list of [[{section}]] tables")
        return
    for index, rule in enumerate(value, start=1):
        if not isinstance(rule, Mapping):
            problems.append(f"{what} {index} must be a table")
            continue
        for key in rule:
            if key not in keys:
                problems.append(
                    f"{what} {index} ('{rule.get('name', '?')}') has unknown key "
                    f"'{key}'{did_you_mean(key, keys)}"
                )
