"""The orchestrations the commands call, one module per job. Pure: frames and settings in,
results out."""

from npl_cli.pipeline.history import MOMENTS, LoanHistory, loan_history
from npl_cli.pipeline.limitation import LimitationResult, deadline_settings, limitation
from npl_cli.pipeline.rolls import GONE, RollRates, roll_rates
from npl_cli.pipeline.triage import TriageFilters, TriageResult, triage

__all__ = [
    "GONE",
    "MOMENTS",
    "LimitationResult",
    "LoanHistory",
    "RollRates",
    "TriageFilters",
    "TriageResult",
    "deadline_settings",
    "limitation",
    "loan_history",
    "roll_rates",
    "triage",
]
