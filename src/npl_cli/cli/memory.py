"""Process-level memory tuning for the command line (not for library use)."""

from __future__ import annotations

import ctypes
import sys

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # glibc mallopt parameters


def keep_freed_memory() -> None:
    """Ask glibc to keep the memory numpy frees for the next array instead of handing it back
    to the kernel at once. A whole-portfolio run makes many short-lived arrays of tens of
    megabytes; without this each one is mapped and page-faulted afresh (measured: `npl
    load` of 1M rows 3.4 s -> 3.0 s). Peak memory is unchanged. A no-op off glibc."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another C library: leave it be
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # arrays up to 32 MiB come from the reusable heap
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)  # give memory back only beyond 1 GiB free at the top
    mallopt(_M_TOP_PAD, 64 << 20)
