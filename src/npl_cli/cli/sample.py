"""npl sample: write a realistic synthetic ledger."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer

from npl_cli.cli.common import AsOfOpt, LangOpt, handle_errors, resolve_as_of, resolve_lang
from npl_cli.errors import UsageError


@handle_errors
def sample(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write: .csv or .xlsx.")],
    rows: Annotated[int, typer.Option("--rows", "-n", min=1, help="Number of loans.")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same ledger).")] = 0,
    as_of: AsOfOpt = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="CSV encoding: utf-8, utf-8-sig or gb18030.")
    ] = "utf-8",
    title: Annotated[
        bool,
        typer.Option(
            "--title/--no-title", help="xlsx: a title row above the header and a 合计 row below."
        ),
    ] = True,
    lang: LangOpt = None,
) -> None:
    """Write a synthetic ledger with Chinese headers, as a bank's core system exports it."""
    from npl_cli.export import atomic_path, check_target, write_xlsx
    from npl_cli.render.console import Messages, progress, progress_bars
    from npl_cli.sample import HEADERS, generate

    day = resolve_as_of(as_of)
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageError(f"{output}: give a .csv or .xlsx file name")
    check_target(output)
    language = resolve_lang(lang, "")
    doing = f"Generating {rows:,} loans" if language == "en" else f"正在生成 {rows:,} 笔贷款"
    with progress(doing):
        frame = generate(rows, seed=seed, as_of=day).rename(columns=HEADERS)
    with progress_bars(language) as bars:
        if suffix == ".xlsx":
            heading = f"XX农村商业银行贷款台账（{day.year}年{day.month}月末）" if title else None
            footer = _total_row(frame) if title else None
            with atomic_path(output) as temporary:
                write_xlsx(
                    frame,
                    temporary,
                    sheet="贷款台账",
                    title_row=heading,
                    footer=footer,
                    amount_columns=("贷款金额", "贷款余额", "欠息", "抵押物价值"),
                    progress=bars,
                )
        else:
            _write_csv(frame, output, encoding)
    Messages(language).say(
        f"wrote {rows:,} loans as of {day:%Y-%m-%d} to {output}",
        f"已写入 {rows:,} 笔贷款（基准日 {day:%Y-%m-%d}）：{output}",
    )


def _total_row(frame: object) -> list[object]:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    row: list[object] = ["合计"] + [None] * (frame.shape[1] - 1)
    for name in ("贷款金额", "贷款余额", "欠息"):
        row[list(frame.columns).index(name)] = round(float(frame[name].sum()), 2)
    return row


def _write_csv(frame: object, output: Path, encoding: str) -> None:
    import pandas as pd

    from npl_cli.export import emit, write_bytes, write_csv

    assert isinstance(frame, pd.DataFrame)
    try:
        "".encode(encoding)
    except LookupError:
        raise UsageError(f"--encoding {encoding}: unknown encoding; use utf-8 or gb18030") from None
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    data = buffer.getvalue()
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        data = data.decode("utf-8").encode(encoding)
    emit(write_bytes(data), output)
