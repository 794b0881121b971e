"""The embedded DuckDB store (storage only: no legal or scoring logic) and the file hash that
keys its snapshots."""

from npl_cli.store.filehash import FileHash
from npl_cli.store.workspace import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Workspace,
    WorkspaceBusy,
    default_path,
    resolve_path,
)

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "FileHash",
    "Workspace",
    "WorkspaceBusy",
    "default_path",
    "resolve_path",
]
