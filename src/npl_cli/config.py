"""Find, merge and validate configuration; return frozen settings.

One user file is merged over the packaged defaults: the first of --config, $NPL_CONFIG,
./npl.toml and npl.toml in the user's config folder (see user_dir).
"""

from __future__ import annotations

import difflib
import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from npl_cli.errors import ConfigError
from npl_cli.schema import COLUMN_BY_NAME, DEBTOR_TYPES

# Tables whose keys are the user's to choose (checked elsewhere or free); their values are
# still type-checked by the code that uses them.
_FREE_TABLES = {("aging", "bands"), ("priority", "stage_points")}
_KEYED_TABLES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("columns",): tuple(COLUMN_BY_NAME),
    ("priority", "type_points"): DEBTOR_TYPES,
}
_RULE_KEYS = ("name", "type", "when", "note")
_EXTRA_TOP_KEYS = ("replace_default_rules",)


@dataclass(frozen=True)
class Settings:
    """The effective configuration: the packaged defaults with the user's file merged over."""

    data: Mapping[str, Any]
    source: Path | None
    rules_source: Path | None = None

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, Mapping) else {}

    @property
    def columns(self) -> dict[str, str]:
        return dict(self.section("columns"))

    @property
    def lang(self) -> str:
        return str(self.data.get("lang", "") or "")

    @property
    def rules(self) -> list[Mapping[str, Any]]:
        return list(self.data.get("rules", []))


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
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix the file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None


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
        validate_keys(user_rules, {"rules": [], "replace_default_rules": False}, rules)
        merged = merge_config(merged, user_rules)
    return Settings(merged, source, rules)


def merge_config(base: dict[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge tables; user rules come before the defaults unless replace_default_rules."""
    out = dict(base)
    for key, value in user.items():
        if key == "rules":
            keep = [] if user.get("replace_default_rules") else list(base.get("rules", []))
            out["rules"] = list(value) + keep
        elif isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            out[key] = merge_config(dict(base[key]), value)
        else:
            out[key] = value
    return out


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def validate_keys(user: Mapping[str, Any], reference: Mapping[str, Any], source: Path) -> None:
    _check_table(user, reference, (), source)


def _check_table(
    user: Mapping[str, Any], reference: Mapping[str, Any], path: tuple[str, ...], source: Path
) -> None:
    if path in _FREE_TABLES:
        return
    allowed = _KEYED_TABLES.get(path) or tuple(reference) + (_EXTRA_TOP_KEYS if not path else ())
    for key, value in user.items():
        dotted = ".".join((*path, key))
        if key not in allowed:
            raise ConfigError(f"{source}: unknown key '{dotted}'{did_you_mean(key, allowed)}")
        if key == "rules" and not path:
            _check_rules(value, source)
        elif isinstance(value, Mapping) and path + (key,) not in _KEYED_TABLES:
            sub = reference.get(key)
            if isinstance(sub, Mapping):
                _check_table(value, sub, (*path, key), source)


def _check_rules(value: object, source: Path) -> None:
    if not isinstance(value, list):
        raise ConfigError(f"{source}: 'rules' must be a list of [[rules]] tables")
    for index, rule in enumerate(value, start=1):
        if not isinstance(rule, Mapping):
            raise ConfigError(f"{source}: rule {index} must be a table")
        for key in rule:
            if key not in _RULE_KEYS:
                raise ConfigError(
                    f"{source}: rule {index} ('{rule.get('name', '?')}') has unknown key "
                    f"'{key}'{did_you_mean(key, _RULE_KEYS)}"
                )
