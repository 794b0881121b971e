"""npl: a toolkit for collecting overdue and non-performing loans."""

from npl_cli.errors import NplError
from npl_cli.ledger import Ledger, load_ledger

__version__ = "0.1.0"
__all__ = ["Ledger", "NplError", "__version__", "load_ledger"]
