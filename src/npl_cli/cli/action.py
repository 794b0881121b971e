"""npl action add, import and list: the collection-action log."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npl_cli.cli.common import (
    ConfigOpt,
    EncodingOpt,
    Format,
    FormatOpt,
    HeaderRowOpt,
    LangOpt,
    NoMaskOpt,
    OutputOpt,
    RejectsOpt,
    SheetOpt,
    TimeoutOpt,
    WorkspaceOpt,
    file_format,
    handle_errors,
    parse_date_option,
    resolve_lang,
)
from npl_cli.errors import UsageError
from npl_cli.schema import ACTION_KINDS

AMOUNTS = ("amount", "promise_amount")
OPTION_LABELS = {"date": "--date", "amount": "--amount", "promise_date": "--promise-date",
                 "promise_amount": "--promise-amount"}  # fmt: skip
action_app = typer.Typer(help="Record collection actions and list them.", no_args_is_help=True)

if TYPE_CHECKING:
    import pandas as pd

    from npl_cli.render.console import Messages


@action_app.command("add")
@handle_errors
def add(
    loan_id: Annotated[str, typer.Argument(help="The loan (借据号).")],
    kind: Annotated[
        str,
        typer.Argument(
            help="What was done: a code (" + ", ".join(ACTION_KINDS) + ") or its Chinese word "
            "(电话催收, 上门催收, 书面催收, 还款, 承诺还款, 起诉, 判决, 申请执行 …).",
            show_default=False,
        ),
    ],
    date: Annotated[str, typer.Option("--date", help="When (YYYY-MM-DD).")],
    party: Annotated[str | None, typer.Option("--party", help="Guarantor or other party.")] = None,
    amount: Annotated[float | None, typer.Option("--amount", help="Amount paid.")] = None,
    method: Annotated[str | None, typer.Option("--method", help="How: 信函, 短信, 上门 …")] = None,
    evidence: Annotated[
        str | None,
        typer.Option("--evidence", help="Proof of delivery: 签收, 短信已达, 退回, 拒收 …"),
    ] = None,
    promise_date: Annotated[str | None, typer.Option("--promise-date")] = None,
    promise_amount: Annotated[float | None, typer.Option("--promise-amount")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    lang: LangOpt = None,
) -> None:
    """Record one action on a loan."""
    import pandas as pd

    from npl_cli.cli.loading import workspace_path
    from npl_cli.ledger.actions import action_kind, action_problems
    from npl_cli.render.console import Messages
    from npl_cli.store import Workspace

    messages = Messages(resolve_lang(lang, ""))
    row = {
        "loan_id": loan_id, "kind": action_kind(kind), "date": parse_date_option(date, "--date"),
        "party": party, "amount": amount, "method": method, "evidence": evidence,
        "promise_date": parse_date_option(promise_date, "--promise-date") if promise_date
        else pd.NaT,
        "promise_amount": promise_amount, "note": note,
    }  # fmt: skip
    action = pd.DataFrame([row]).astype({"amount": float, "promise_amount": float})
    problem = action_problems(action, OPTION_LABELS)[0]
    if problem is not None:
        raise UsageError(problem)
    with Workspace.open(workspace_path(workspace), timeout=wait) as store:
        added, _ = store.add_actions(action, source="npl action add")
        day, loans = store.loans_for(action["loan_id"])
    if added:
        messages.say("recorded", "已记录")
    else:
        messages.say("already recorded; nothing changed", "已有此记录，未作改动")
    _warn_unmatched(action, day, loans, messages)


@action_app.command("import")
@handle_errors
def import_actions(
    file: Annotated[Path, typer.Argument(help="Actions file (.csv or .xlsx).")],
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    sheet: SheetOpt = None,
    header_row: HeaderRowOpt = None,
    encoding: EncodingOpt = None,
    rejects: RejectsOpt = None,
    lang: LangOpt = None,
) -> None:
    """Import actions (借据号, 催收日期, 催收方式, 送达情况, 还款金额, 承诺还款日, 承诺金额 …);
    the kind may be a Chinese word (电话催收, 上门催收, 书面催收, 承诺还款 …); importing the same
    rows again adds nothing."""
    from npl_cli.cli.loading import workspace_path
    from npl_cli.cli.output import check_outputs
    from npl_cli.export import write_frame
    from npl_cli.ledger.actions import read_actions
    from npl_cli.render.console import Messages
    from npl_cli.store import Workspace

    store_path = workspace_path(workspace)
    check_outputs(rejects, inputs=[file], workspace=store_path)
    if rejects is not None and rejects.suffix.lower() not in (".csv", ".xlsx"):
        raise UsageError(f"--rejects {rejects}: give a .csv or .xlsx file name")
    messages = Messages(resolve_lang(lang, ""))
    read = read_actions(file, sheet=sheet, header_row=header_row, encoding=encoding)
    with Workspace.open(store_path, timeout=wait) as store:
        added, known = store.add_actions(read.actions, source=file.name)
        day, loans = store.loans_for(read.actions["loan_id"])
    used = read.rows_read - len(read.rejects) - read.rows_skipped
    rejected, skipped = len(read.rejects), read.rows_skipped
    messages.say(
        f"{file.name}: rows read {read.rows_read:,} = used {used:,} + rejected "
        f"{rejected:,} + skipped {skipped:,}; actions added {added:,}, already recorded {known:,}",
        f"{file.name}：读入 {read.rows_read:,} 行 = 采用 {used:,} + 剔除 {rejected:,} + 跳过 "
        f"{skipped:,}；新增 {added:,} 条，已有 {known:,} 条",
    )
    for row in read.rejects.head(20).itertuples(index=False):
        messages.say(
            f"  row {row.source_row}: {row.reason}", f"  第 {row.source_row} 行：{row.reason}"
        )
    if rejects is not None:
        write_frame(read.rejects, rejects.suffix.lower()[1:], rejects, sheet="rejects")
        messages.say(f"wrote {rejected:,} rejected rows to {rejects}",
                     f"已将 {rejected:,} 行剔除记录写入 {rejects}")  # fmt: skip
    _warn_unmatched(read.actions, day, loans, messages)


@action_app.command("void")
@handle_errors
def void(
    action_id: Annotated[int, typer.Argument(help="The action's id (`npl action list`).")],
    why: Annotated[str, typer.Option("--why", help="Why it is taken back (kept in the log).")],
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    lang: LangOpt = None,
) -> None:
    """Take a recorded action back: it stays in the log as voided (who, when, why) and no
    longer counts for deadlines, promises or the worklist."""
    import getpass

    from npl_cli.cli.loading import workspace_path
    from npl_cli.render.console import Messages
    from npl_cli.store import Workspace

    if not why.strip():
        raise UsageError("--why: say why the action is taken back; it stays in the log")
    with Workspace.open(workspace_path(workspace), timeout=wait, create=False) as store:
        action = store.void(action_id, why.strip(), getpass.getuser())
    Messages(resolve_lang(lang, "")).say(
        f"voided action {action_id} ({action['kind']} on {action['loan_id']}, "
        f"{action['date']:%Y-%m-%d}): {why.strip()}",
        f"已作废催收记录 {action_id}（{action['loan_id']}，{action['date']:%Y-%m-%d}，"
        f"{action['kind']}）：{why.strip()}",
    )


def masked(name: object) -> str:
    """A name as stderr shows it (stderr is a screen too)."""
    import pandas as pd

    from npl_cli.render.mask import mask_names

    return str(mask_names(pd.Series([str(name)])).iloc[0])


def _warn_unmatched(
    actions: pd.DataFrame, day: pd.Timestamp | None, loans: pd.DataFrame, messages: Messages
) -> None:
    """Say which recorded actions the latest snapshot cannot place (typos in ids or names)."""
    from npl_cli.deadlines import GUARANTOR_SEPARATORS
    from npl_cli.deadlines.actions import unmatched_actions

    if day is None or actions.empty:
        return
    found = unmatched_actions(actions, loans)
    snapshot = f"snapshot {day:%Y-%m-%d}"
    if found.unknown_loans:
        count = len(found.unknown_loans)
        shown = ", ".join(found.unknown_loans[:5]) + (" and more" if count > 5 else "")
        messages.say(
            f"warning: {count:,} loan id{'s' if count > 1 else ''} not in {snapshot}: {shown}; "
            "their actions count once a loaded ledger has them",
            f"警告：{count:,} 个借据号不在 {day:%Y-%m-%d} 的快照中：{shown}；"
            "待载入含这些贷款的台账后生效",
        )
    for row in found.unknown_parties.head(5).itertuples(index=False):
        names = [n for n in re.split(GUARANTOR_SEPARATORS, str(row.guarantors)) if n.strip()]
        listed = "、".join(masked(n) for n in names) if names else "none recorded"
        messages.say(
            f"warning: {masked(row.party)} is not a guarantor of {row.loan_id} in {snapshot} "
            f"(its guarantors: {listed}); the demand meets no guarantee period until the "
            "names match",
            f"警告：{masked(row.party)} 不是 {row.loan_id} 的保证人（{day:%Y-%m-%d} 快照中的"
            f"保证人：{listed}）；姓名一致前，该催收不满足保证期间",
        )


@action_app.command("list")
@handle_errors
def list_actions(
    loan_id: Annotated[str | None, typer.Argument(help="Only this loan.")] = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    lang: LangOpt = None,
    no_mask: NoMaskOpt = False,
    workspace: WorkspaceOpt = None,
    wait: TimeoutOpt = 30.0,
    config: ConfigOpt = None,
    voided: Annotated[
        bool, typer.Option("--voided", help="Also list voided actions, with who voided them.")
    ] = False,
) -> None:
    """List recorded actions with their ids, oldest first (names, ID and phone numbers masked
    on screen; files carry them in full)."""
    from npl_cli.cli.loading import workspace_path
    from npl_cli.cli.output import check_outputs, write_rows
    from npl_cli.config import load_settings
    from npl_cli.render.console import stdout_console
    from npl_cli.render.workspace import render_actions
    from npl_cli.store import Workspace

    chosen = file_format(fmt, output)
    path = workspace_path(workspace, config)
    check_outputs(output, workspace=path)
    with Workspace.open(path, timeout=wait, create=False) as store:
        actions = store.actions(loan_id, voided=voided)
        _, loans = store.loans_for(actions["loan_id"])
    if chosen is not Format.table:
        language = resolve_lang(lang, load_settings(config).lang)
        write_rows(actions, chosen, output, sheet="actions", amount_columns=AMOUNTS,
                   lang=language, action_kinds=True)  # fmt: skip
        return
    render_actions(
        actions,
        stdout_console(),
        lang=resolve_lang(lang, load_settings(config).lang),
        mask=not no_mask,
        loans=loans,
    )
