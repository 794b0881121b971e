"""npl sample: write a realistic synthetic ledger."""

from __future__ import annotations

import io
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import AsOfOpt, LangOpt, handle_errors, resolve_as_of, resolve_lang
from npl_cli.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from npl_cli.render.console import Messages


class LedgerFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


LEDGER_AMOUNTS = ("贷款金额", "贷款余额", "欠息", "抵押物价值")
# the action log as the desk writes it: Chinese headers and kind words npl reads back
LOG_HEADERS = {"loan_id": "借据号", "kind": "动作", "date": "催收日期", "method": "催收方式",
               "evidence": "送达情况", "amount": "还款金额", "promise_date": "承诺还款日",
               "promise_amount": "承诺金额", "note": "备注"}  # fmt: skip
LOG_WORDS = {"demand": "催收", "payment": "还款", "promise": "承诺还款", "call": "电话",
             "suit": "起诉", "judgment": "判决", "enforcement_application": "申请执行"}  # fmt: skip


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
    months: Annotated[
        int,
        typer.Option(
            "--months",
            min=1,
            max=120,
            help="Write this many consecutive month-end ledgers of one portfolio (ending at "
            "--as-of's month) and the desk's action log into the -o FOLDER.",
        ),
    ] = 1,
    ledger_format: Annotated[
        LedgerFormat, typer.Option("--ledger-format", help="With --months: csv or xlsx files.")
    ] = LedgerFormat.csv,
) -> None:
    """Write a synthetic ledger with Chinese headers, as a bank's core system exports it; with
    --months, a portfolio month by month and its action log."""
    from npl_cli.export import atomic_path, check_target, write_xlsx
    from npl_cli.render.console import Messages, progress, progress_bars
    from npl_cli.sample import HEADERS, generate

    day = resolve_as_of(as_of)
    if months > 1:
        _write_months(output, rows, months, seed, day, ledger_format, encoding,
                      Messages(resolve_lang(lang, "")))  # fmt: skip
        return
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
                    amount_columns=LEDGER_AMOUNTS,
                    progress=bars,
                )
        else:
            _write_csv(frame, output, encoding)
    Messages(language).say(
        f"wrote {rows:,} loans as of {day:%Y-%m-%d} to {output}",
        f"已写入 {rows:,} 笔贷款（基准日 {day:%Y-%m-%d}）：{output}",
    )


def _write_months(
    folder: Path, rows: int, months: int, seed: int, last: pd.Timestamp, kind: LedgerFormat,
    encoding: str, messages: Messages,
) -> None:  # fmt: skip
    """台账-YYYY-MM.csv|xlsx for each month end (the date in the name, as `npl load` reads it;
    an xlsx has the title row too) and 催收记录.csv, the desk's action log over the months."""
    from npl_cli.export import atomic_path, check_target, write_frame, write_xlsx
    from npl_cli.render.console import progress_bars
    from npl_cli.sample import HEADERS
    from npl_cli.simulate import simulate

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: --months writes into a folder; give one")
    folder.mkdir(parents=True, exist_ok=True)
    simulation = simulate(rows, months, seed=seed, last=last)
    with progress_bars(messages.lang) as bars:
        advance = bars.task("writing the months", months + 1)
        for day, ledger in simulation.months:
            path = folder / f"台账-{day:%Y-%m}.{kind.value}"
            check_target(path)
            frame = ledger.rename(columns=HEADERS)
            if kind is LedgerFormat.xlsx:
                with atomic_path(path) as temporary:
                    write_xlsx(frame, temporary, sheet="贷款台账",
                               title_row=f"XX农村商业银行贷款台账（{day.year}年{day.month}月末）",
                               footer=_total_row(frame),
                               amount_columns=LEDGER_AMOUNTS)  # fmt: skip
            else:
                _write_csv(frame, path, encoding)
            advance(1)
        log = simulation.actions.assign(kind=simulation.actions["kind"].map(LOG_WORDS))
        log_path = folder / "催收记录.csv"
        check_target(log_path)
        write_frame(log.rename(columns=LOG_HEADERS)[list(LOG_HEADERS.values())], "csv", log_path)
        advance(1)
    first, final = simulation.months[0][0], simulation.months[-1][0]
    messages.say(
        f"wrote {months} month-end ledgers ({first:%Y-%m} to {final:%Y-%m}, "
        f"{len(simulation.months[-1][1]):,} loans at the end) and {len(log):,} actions to {folder}",
        f"已写入 {months} 期月末台账（{first:%Y-%m} 至 {final:%Y-%m}，期末 "
        f"{len(simulation.months[-1][1]):,} 笔贷款）和 {len(log):,} 条催收记录：{folder}",
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
