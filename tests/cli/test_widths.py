"""Nothing on screen is cut ("…"), cropped at the border or split inside a number, date or id,
at every terminal width from 60 to 260 columns, in both languages: the worklist, the deadlines,
roll rates, a loan's history, the action list, the warning list, the survey plan and the
visits. Each result is computed once; only the layout runs per width."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

import npl_cli as npl
from npl_cli.cli.app import app
from npl_cli.pipeline import loan_history, roll_rates
from npl_cli.pipeline.survey import survey_plan, visit_plan
from npl_cli.pipeline.triage import TriageFilters
from npl_cli.pipeline.watch import watch
from npl_cli.render.limitation import render_limitation
from npl_cli.render.rolls import render_rolls
from npl_cli.render.survey import render_plan, render_visits
from npl_cli.render.triage import render_triage
from npl_cli.render.watch import render_watch
from npl_cli.render.workspace import render_actions, render_history
from npl_cli.store import Workspace

ROOT = Path(__file__).resolve().parents[2]
AS_OF = pd.Timestamp("2026-11-30")
WIDTHS = range(60, 261)
# a value that must appear whole: a date, an amount with separators, an id, a percentage
WHOLE = re.compile(r"\d{4}-\d{2}-\d{2}|¥?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[A-Z]\d{6,}|\d+\.\d%")

Screen = Callable[[Console, str], None]


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Screen]:
    folder = tmp_path_factory.mktemp("widths")
    store_path = folder / "ws.duckdb"
    runner = CliRunner()
    october = folder / "october.csv"
    for args in (
        ["sample", "-o", october, "--rows", "120", "--seed", "3", "--as-of", "2026-10-31"],
        ["load", october, "--as-of", "2026-10-31", "-w", store_path],
        ["load", ROOT / "sample_data" / "ledger.csv", "--as-of", "2026-11-30", "-w", store_path],
        ["action", "import", ROOT / "sample_data" / "actions.csv", "-w", store_path],
    ):
        done = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        assert done.exit_code == 0, done.stderr
    settings = npl.load_settings()
    ledger = npl.load_ledger(ROOT / "sample_data" / "ledger.xlsx")
    worklist = npl.triage(ledger, settings, as_of=AS_OF)
    due = npl.limitation(ledger, settings, as_of=AS_OF, days=90)
    with Workspace.open(store_path) as store:
        _, before = store.latest(pd.Timestamp("2026-10-31"))
        _, after = store.latest(AS_OF)
        actions = store.actions()
        loan = str(actions["loan_id"].iloc[0])
        snaps, own = store.loan_snapshots(loan), store.actions(loan)
    rolls = roll_rates(before, after, settings, start=pd.Timestamp("2026-10-31"), end=AS_OF)
    options = npl.deadline_settings(settings)
    histories = {
        lang: loan_history(loan, snaps, own, AS_OF, options, lang) for lang in ("zh", "en")
    }
    watched = {
        lang: watch(
            [(pd.Timestamp("2026-10-31"), before), (AS_OF, after)],
            settings,
            as_of=AS_OF,
            by="loan",
            lang=lang,
        )
        for lang in ("zh", "en")
    }
    planned = {
        lang: visit_plan(ledger, settings, as_of=AS_OF, filters=TriageFilters(), days=1,
                         per_day=1, lang=lang)
        for lang in ("zh", "en")
    }  # fmt: skip
    surveyed = {
        lang: survey_plan(ledger, settings, as_of=AS_OF, filters=TriageFilters(),
                          per_officer=1, lang=lang)
        for lang in ("zh", "en")
    }  # fmt: skip
    return {
        "visits": lambda c, lang: render_visits(planned[lang].head(6), c, lang=lang, mask=False),
        "survey": lambda c, lang: render_plan(surveyed[lang], c, lang=lang, mask=False, top=4),
        "watch": lambda c, lang: render_watch(watched[lang], c, lang=lang, mask=False, top=4),
        "triage": lambda c, lang: render_triage(worklist, c, lang=lang, mask=False, top=4),
        "limitation": lambda c, lang: render_limitation(due, c, lang=lang, mask=False, top=4),
        "rolls": lambda c, lang: render_rolls(rolls, c, lang=lang),
        "history": lambda c, lang: render_history(histories[lang], c, mask=False, lang=lang),
        "actions": lambda c, lang: render_actions(
            actions.head(4), c, lang=lang, mask=False, loans=after
        ),
    }


def _render(screen: Screen, width: int | None, lang: str) -> str:
    console = Console(width=width or 100_000, file=io.StringIO(), highlight=False)
    screen(console, lang)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "name", ["triage", "limitation", "rolls", "history", "actions", "watch", "visits", "survey"]
)
def test_nothing_is_cut_cropped_or_split_at_any_width(
    screens: dict[str, Screen], name: str, lang: str
) -> None:
    screen = screens[name]
    wide = _render(screen, None, lang)  # unbounded: every value on one line
    values = set(WHOLE.findall(wide))
    assert len(values) >= 5, values  # the screen shows real dates, amounts or ids
    failures: list[Any] = []
    for width in WIDTHS:
        text = _render(screen, width, lang)
        long = [line for line in text.splitlines() if cell_len(line) > width]
        missing = sorted(v for v in values if v not in text)
        if "…" in text or long or missing:
            failures.append((width, "…" in text, long[:1], missing[:3]))
    assert failures == []
