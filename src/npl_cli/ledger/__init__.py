"""Reading ledgers into the canonical frame."""

from npl_cli.ledger.dated import OwnDate
from npl_cli.ledger.load import Ledger, analyses, load_ledger

__all__ = ["Ledger", "OwnDate", "analyses", "load_ledger"]
