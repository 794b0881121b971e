"""Handing a result frame to the screen or to a file, one way for every command."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from npl_cli.cli.common import Format
from npl_cli.export import check_target, write_frame
from npl_cli.render.labels import column_label
from npl_cli.render.workbook import for_people

SHEETS_ZH = {"worklist": "清收清单", "deadlines": "法定期限", "rolls": "账龄迁徙",
             "actions": "催收记录"}  # fmt: skip


def write_rows(
    frame: pd.DataFrame,
    fmt: Format,
    output: Path | None,
    *,
    sheet: str,
    amount_columns: tuple[str, ...] = ("balance",),
    csv_encoding: str = "utf-8-sig",
    lang: str = "en",
    action_kinds: bool = False,
) -> None:
    """The rows to a file or stdout; a workbook in the words of `lang` (machine formats keep
    the codes and column names)."""
    if fmt is Format.xlsx:
        amounts = {column_label(c, lang) for c in amount_columns}
        frame = for_people(frame, lang, action_kinds=action_kinds)
        amount_columns = tuple(amounts)
        sheet = SHEETS_ZH.get(sheet, sheet) if lang == "zh" else sheet
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
