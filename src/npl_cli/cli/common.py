"""Options shared by the commands, declared once; the error edge; the as-of date."""

from __future__ import annotations

import functools
import locale
import os
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from npl_cli.errors import NplError, UsageError
from npl_cli.messages import ERROR, in_lang, said

if TYPE_CHECKING:  # pandas is imported by the commands that compute, never for --help
    import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    xlsx = "xlsx"


class TableOrJson(StrEnum):
    """For commands that print a report or write it as JSON."""

    table = "table"
    json = "json"


class RecordFormat(StrEnum):
    """For a record of several parts: JSON, or a workbook with a sheet per part."""

    table = "table"
    json = "json"
    xlsx = "xlsx"


SUFFIX_FORMATS = {".xlsx": Format.xlsx, ".json": Format.json, ".jsonl": Format.jsonl,
                  ".csv": Format.csv, ".txt": Format.csv, ".tsv": Format.csv}  # fmt: skip


def file_format(given: Format | TableOrJson | RecordFormat, output: Path | None) -> Format:
    """What to write, decided before any work: the --format given, else the -o file's kind by
    its suffix (`-o 清单.xlsx` is a workbook, not CSV text in a .xlsx file); `table` is the
    screen. A format the command cannot write, a workbook without -o, or (without --format) a
    suffix npl does not write is a usage error."""
    allowed = tuple(Format(f.value) for f in type(given))
    fmt = chosen = Format(given.value)
    if fmt is Format.table and output is not None:  # the suffix says what to write
        if output.suffix.lower() not in SUFFIX_FORMATS:
            raise UsageError(
                f"-o {output}: npl writes .csv, .json, .jsonl or .xlsx files; name one of "
                "those, or give --format"
            )
        chosen = SUFFIX_FORMATS[output.suffix.lower()]
    if chosen not in allowed:
        *first, last = [f.value for f in allowed]
        listed = f"{', '.join(first)} or {last}" if first else last
        raise UsageError(f"--format {chosen.value}: this command writes {listed}")
    if chosen is Format.xlsx and output is None:
        raise UsageError(
            said(
                "--format xlsx needs -o FILE.xlsx (a workbook cannot go to stdout)",
                "--format xlsx 需要 -o 文件.xlsx（工作簿不能输出到屏幕）",
            )
        )
    return chosen


class Lang(StrEnum):
    zh = "zh"
    en = "en"


LedgerArg = Annotated[
    Path, typer.Argument(help="Ledger file: .xlsx, .xlsm, .xls or .csv.", show_default=False)
]
OptionalLedgerArg = Annotated[
    Path | None,
    typer.Argument(
        help="Ledger file (.xlsx, .xls, .csv), or a folder or quoted glob of parts (also "
        ".parquet); without it, the workspace's latest snapshot.",
        show_default=False,
    ),
]


class Engine(StrEnum):
    pandas = "pandas"
    dask = "dask"


EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="pandas (one process), or dask for a ledger in parts past one machine's memory "
        "(pip install 'npl-cli[dask]'): the same rows, in the same order.",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="With --engine dask: the address of a running Dask scheduler, e.g. "
        "tcp://10.0.0.5:8786 (default: a local cluster, one worker per core).",
    ),
]
SnapshotOpt = Annotated[
    str | None,
    typer.Option(
        "--snapshot", help="Use the workspace snapshot of this date instead of a LEDGER file."
    ),
]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace file (default: $NPL_WORKSPACE, [workspace] path in "
        "npl.toml, else workspace.duckdb in the user's data folder). With a LEDGER, applies the "
        "workspace's actions to it.",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Sheet name or 1-based number (default: the first sheet with a ledger header).",
    ),
]
HeaderRowOpt = Annotated[
    int | None,
    typer.Option(
        "--header-row", min=1, help="Row number of the header (default: found automatically)."
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding", help="CSV text encoding (default: detected; UTF-8, UTF-8 BOM or GB18030)."
    ),
]
FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format", "-f", help="table on screen, or csv/json/jsonl/xlsx for files and scripts."
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (atomically) instead of stdout; without --format, the file's "
        "suffix picks it (.xlsx, .json, .jsonl, .csv or .txt).",
    ),
]
LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang", help="Table labels: zh or en (default: $NPL_LANG, config, then system locale)."
    ),
]
NoMaskOpt = Annotated[
    bool, typer.Option("--no-mask", help="Show names, ID numbers and phones in full on screen.")
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Config file (default: $NPL_CONFIG, ./npl.toml, npl.toml in the user's config "
        "folder).",
    ),
]
RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rules file: [[rules]] and [[warnings]] tables placed before the packaged ones "
        "(a warning rule of the same name replaces the packaged one).",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Compute as of this date (YYYY-MM-DD; default: today)."),
]
OfficerOpt = Annotated[
    list[str] | None,
    typer.Option("--officer", help="Only this officer's loans (客户经理; exact name, repeatable)."),
]
BranchOpt = Annotated[
    list[str] | None,
    typer.Option("--branch", help="Only this branch's loans (支行; exact name, repeatable)."),
]


class CsvEncoding(StrEnum):
    utf8_bom = "utf-8-sig"
    utf8 = "utf-8"
    gb18030 = "gb18030"


OutputEncodingOpt = Annotated[
    CsvEncoding,
    typer.Option(
        "--output-encoding",
        help="Encoding of a CSV file written with -o: utf-8-sig (UTF-8 with a BOM, so Excel "
        "shows Chinese; the default), utf-8, or gb18030. CSV on stdout is plain UTF-8.",
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--wait", min=0, help="Seconds to wait for another npl process using the workspace."
    ),
]
StrictEvidenceOpt = Annotated[
    bool,
    typer.Option(
        "--strict-evidence",
        help="Demands with no delivery evidence recorded count for nothing: they neither "
        "interrupt the limitation nor meet a guarantee period (on borrowers and guarantors).",
    ),
]
RejectsOpt = Annotated[
    Path | None,
    typer.Option(
        "--rejects", help="Write rejected rows with their reasons to this .csv or .xlsx file."
    ),
]


class SplitBy(StrEnum):
    officer = "officer"
    branch = "branch"
    region = "region"


SplitOpt = Annotated[
    SplitBy | None,
    typer.Option(
        "--split-by",
        help="One file per officer, branch or region in the -o FOLDER (named by it), plus the "
        "whole list; -f picks the format (default xlsx).",
    ),
]


def fail(message: str, code: int = 2, lang: str = "en") -> typer.Exit:
    """One unwrapped line on stderr (in `lang` when the message carries its Chinese), then
    the exit code."""
    typer.echo(ERROR.get(lang, ERROR["en"]) + in_lang(message, lang), err=True)
    return typer.Exit(code)


def _message_lang(kwargs: dict[str, Any]) -> str:
    """The language for an error: the command's --lang, else $NPL_LANG (the config may be
    what failed to load)."""
    flag = kwargs.get("lang")
    if isinstance(flag, Lang):
        return flag.value
    return "zh" if os.environ.get("NPL_LANG") == "zh" else "en"


def handle_errors(command: F) -> F:
    """Map NplError to exit code 2 with one line on stderr; a bug to exit 1 (traceback only
    with --debug or NPL_DEBUG=1)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except NplError as error:
            message = error.args[0] if error.args and isinstance(error.args[0], str) else ""
            raise fail(message or str(error), error.exit_code, _message_lang(kwargs)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as error:
            if os.environ.get("NPL_DEBUG"):
                raise
            raise fail(
                f"internal error: {type(error).__name__}: {error} "
                "(run with --debug for the traceback and report it)",
                1,
            ) from None

    return wrapper  # type: ignore[return-value]


def resolve_as_of(text: str | None) -> pd.Timestamp:
    """The --as-of date, or today; said once on stderr."""
    import pandas as pd

    if text is None:
        return pd.Timestamp(date.today())
    return parse_date_option(text, "--as-of")


def parse_date_option(text: str, option: str) -> pd.Timestamp:
    import numpy as np
    import pandas as pd

    from npl_cli.ledger.coerce import parse_dates

    parsed, _ = parse_dates(pd.Series([text]))
    if np.isnat(parsed[0]):
        raise UsageError(
            said(
                f"{option} '{text}' is not a date; use YYYY-MM-DD, e.g. 2026-10-31",
                f"{option} “{text}”不是日期；请用 YYYY-MM-DD，如 2026-10-31",
            )
        )
    return pd.Timestamp(parsed[0])


def resolve_lang(flag: Lang | None, configured: str) -> str:
    if flag is not None:
        return flag.value
    for candidate in (os.environ.get("NPL_LANG", ""), configured):
        if candidate in ("zh", "en"):
            return candidate
    system = os.environ.get("LC_ALL") or os.environ.get("LANG") or (locale.getlocale()[0] or "")
    return "zh" if system.lower().startswith("zh") else "en"
