"""Handing a result frame to the screen or to a file, one way for every command."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from npl_cli.cli.common import Format
from npl_cli.export import check_target, write_frame


def write_rows(
    frame: pd.DataFrame,
    fmt: Format,
    output: Path | None,
    *,
    sheet: str,
    amount_columns: tuple[str, ...] = ("balance",),
    csv_encoding: str = "utf-8-sig",
) -> None:
    write_frame(
        frame, fmt.value, output, sheet=sheet, amount_columns=amount_columns,
        csv_encoding=csv_encoding,
    )  # fmt: skip


def check_outputs(
    output: Path | None,
    *,
    inputs: Iterable[Path] = (),
    workspace: Path | None = None,
    rejects: Path | None = None,
) -> None:
    """Before any work: -o and --rejects must be writable files, neither of them an input,
    the workspace, or each other."""
    protected = dict.fromkeys(inputs, "an input file")
    if workspace is not None:
        protected[workspace] = "the workspace"
    check_target(output, {**protected, **({rejects: "the --rejects file"} if rejects else {})})
    check_target(rejects, {**protected, **({output: "the -o file"} if output else {})})
