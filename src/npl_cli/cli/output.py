"""Handing a result frame to the screen or to a file, one way for every command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from npl_cli.cli.common import Format
from npl_cli.export import write_frame


def write_rows(
    frame: pd.DataFrame,
    fmt: Format,
    output: Path | None,
    *,
    sheet: str,
    amount_columns: tuple[str, ...] = ("balance",),
) -> None:
    write_frame(frame, fmt.value, output, sheet=sheet, amount_columns=amount_columns)
