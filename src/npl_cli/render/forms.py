"""Survey forms (调研表) for officers: one workbook per officer, a row per selected debtor with
what the bank knows (locked) and the answer columns (drop-downs), a hidden key column that ties
the row to its debtor and plan, and instructions in Chinese. The officer's own file: nothing
is masked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from npl_cli.export import OutputError, atomic_path
from npl_cli.pipeline.survey import MINORITY_NOTE, SurveyPlan, deadline_text
from npl_cli.survey import ANSWERS, DATE_HEADER, KEY_HEADER, text_of

FORM_SHEET = "调研表"
GUIDE_SHEET = "填表说明"
# (header, column of the plan's selection) pre-filled from what the bank knows
KNOWN = (
    ("借款人", "debtor_name"),
    ("证件号码", "debtor_id"),
    ("联系电话", "phone"),
    ("地址", "address"),
    ("片区", "place"),
    ("客户类型", "customer_type"),
    ("借据", "loan_ids"),
    ("余额", "balance"),
    ("逾期天数", "dpd"),
    ("账龄", "band"),
    ("保证人", "guarantors"),
    ("抵质押物", "collateral"),
    ("到期期限", "deadline"),
    ("民族提示", "minority_note"),
)
HEADERS = (KEY_HEADER, *(h for h, _ in KNOWN), *(a.header for a in ANSWERS))
GUIDE = (
    "调研表填写说明",
    "",
    "1. 每行是一位借款人；灰色各列是行内已知信息，已锁定，不要修改；白色各列由调查人填写。",
    "2. 联系状态、还款意愿、还款能力、逾期原因、第三方协助请在下拉框中选择，不要自行输入其他文字。",
    "3. 调查日期写成 2026-12-01 的格式；调查人写本人姓名。资产线索、备注可自由填写"
    "（如发现转移、变卖、隐匿资产，请写明）。",
    "4. 第一列“调研编号”已隐藏，用于把答案对应回借款人，请勿删除或改动行、列。",
    "5. 未调查的借款人整行留空即可；导入时跳过，不算错误。",
    "6. 填好后交回，由资产保全岗执行：npl survey import 本文件.xlsx",
    "7. 类型按答案得出：愿意且有能力为偶然型；愿意但部分或无能力为困难型；"
    "犹豫或拒绝且有或部分能力为不负责任型；拒绝且有转移、变卖、隐匿资产线索，或走访后失联，为不良型。",
    "8. 本表含借款人个人信息，仅限本人调研使用，妥善保管，用后按规定销毁。",
)


def form_rows(plan: SurveyPlan, lang: str = "zh") -> pd.DataFrame:
    """The selection as the form's known columns (headers as officers read them)."""
    rows = plan.selected
    minority = rows["minority"].astype(object).fillna(False).to_numpy(dtype=bool)
    filled = rows.assign(
        deadline=deadline_text(rows, "zh"),
        minority_note=pd.Series(MINORITY_NOTE["zh"], index=rows.index).where(minority, None),
    )
    out = pd.DataFrame({KEY_HEADER: filled["key"].to_numpy(dtype=object)})
    for header, column in KNOWN:
        out[header] = filled[column].to_numpy(dtype=object)
    return out


def write_forms(
    plan: SurveyPlan, folder: Path, name_of: Callable[[object], str]
) -> list[tuple[str, int, Path]]:
    """One workbook per officer in `folder`, named 调研表-OFFICER.xlsx (`name_of` makes the
    name safe); returns (officer, rows, path) per file."""
    rows = form_rows(plan)
    officers = text_of(plan.selected, "officer").to_numpy(dtype=object)
    written = []
    for officer in pd.unique(officers):
        mine = rows[officers == officer].reset_index(drop=True)
        path = folder / f"{FORM_SHEET}-{name_of(officer or None)}.xlsx"
        _write_form(mine, path, plan)
        written.append((str(officer), len(mine), path))
    return written


def _write_form(rows: pd.DataFrame, path: Path, plan: SurveyPlan) -> None:
    import xlsxwriter

    with atomic_path(path) as temporary:
        book = xlsxwriter.Workbook(
            str(temporary),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },  # fmt: skip
        )
        styles = {
            "head": book.add_format(
                {
                    "bold": True,
                    "bg_color": "#D9D9D9",
                    "border": 1,
                    "text_wrap": True,
                    "locked": True,
                }
            ),  # fmt: skip
            "answer_head": book.add_format(
                {
                    "bold": True,
                    "bg_color": "#FFF2CC",
                    "border": 1,
                    "text_wrap": True,
                    "locked": True,
                }
            ),  # fmt: skip
            "known": book.add_format(
                {
                    "bg_color": "#F2F2F2",
                    "border": 1,
                    "locked": True,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),  # fmt: skip
            "amount": book.add_format(
                {
                    "bg_color": "#F2F2F2",
                    "border": 1,
                    "locked": True,
                    "num_format": "#,##0.00",
                    "valign": "top",
                }
            ),  # fmt: skip
            "answer": book.add_format({"border": 1, "locked": False, "valign": "top"}),
            "date": book.add_format({"border": 1, "locked": False, "num_format": "yyyy-mm-dd"}),
        }
        sheet = book.add_worksheet(FORM_SHEET)
        _fill_form(sheet, rows, styles)
        guide = book.add_worksheet(GUIDE_SHEET)
        guide.set_column(0, 0, 110)
        lines = [*GUIDE, "", f"调研计划：{plan.plan}（基准日 {plan.as_of:%Y-%m-%d}）"]
        for index, line in enumerate(lines):
            guide.write_string(index, 0, line)
        try:
            book.close()
        except Exception as error:  # XlsxWriter wraps OS errors in its own types
            raise OutputError(f"{path}: cannot write the workbook ({error})") from None


def _fill_form(sheet: Any, rows: pd.DataFrame, styles: dict[str, Any]) -> None:
    """Headers, the known cells (locked), empty answer cells (unlocked, drop-downs), the key
    column hidden, the sheet protected so that only answers can be typed; print-ready."""
    known_count = 1 + len(KNOWN)
    last = max(len(rows), 1) + 200  # room for the officer to add nothing but answers
    for column, header in enumerate(HEADERS):
        style = styles["head"] if column < known_count else styles["answer_head"]
        sheet.write_string(0, column, header, style)
    for r, values in enumerate(rows.itertuples(index=False), start=1):  # one officer's rows
        for column, value in enumerate(values):
            _write_cell(sheet, r, column, value, styles, HEADERS[column])
        for column in range(known_count, len(HEADERS)):
            header = HEADERS[column]
            sheet.write_blank(
                r, column, None, styles["date" if header == DATE_HEADER else "answer"]
            )
    for offset, answer in enumerate(ANSWERS):
        column = known_count + offset
        if answer.allowed is not None:
            choices = list(answer.allowed)
            sheet.data_validation(1, column, last, column, {
                "validate": "list", "source": choices, "error_title": answer.header,
                "error_message": "请在下拉框中选择：" + "、".join(choices),
            })  # fmt: skip
        elif answer.header == DATE_HEADER:
            sheet.data_validation(1, column, last, column, {
                "validate": "date", "criteria": ">", "value": pd.Timestamp("2000-01-01"),
                "error_title": DATE_HEADER, "error_message": "请填写日期，如 2026-12-01",
            })  # fmt: skip
        sheet.set_column(column, column, 14, styles["answer"])
    sheet.set_column(0, 0, 24, None, {"hidden": True})
    widths = {"借款人": 10, "证件号码": 20, "联系电话": 13, "地址": 24, "借据": 18, "到期期限": 22,
              "民族提示": 28, "保证人": 14, "抵质押物": 14}  # fmt: skip
    for column, (header, _) in enumerate(KNOWN, start=1):
        sheet.set_column(column, column, widths.get(header, 10))
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(len(rows), 1), len(HEADERS) - 1)
    sheet.protect("", {"autofilter": True, "sort": False, "format_columns": True,
                       "select_locked_cells": True, "select_unlocked_cells": True})  # fmt: skip
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _write_cell(
    sheet: Any, row: int, column: int, value: Any, styles: dict[str, Any], header: str
) -> None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        sheet.write_blank(row, column, None, styles["known"])
    elif header == "余额":
        sheet.write_number(row, column, float(value), styles["amount"])
    elif isinstance(value, int | float | np.integer | np.floating) and header == "逾期天数":
        sheet.write_number(row, column, int(value), styles["known"])
    else:
        sheet.write_string(row, column, str(value), styles["known"])
