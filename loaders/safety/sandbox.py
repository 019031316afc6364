"""Run a file parser in a child process with a memory ceiling and a time limit.

python-calamine aborts the whole process when a hostile sheet makes it allocate too much
(SECURITY.md trap 12), and no ``try`` can catch that. Parsing in a child costs one upload, not
the server. Children come from a forkserver that has already imported the readers, so a call
costs tens of milliseconds, and they never inherit the parent's DuckDB connection or threads.

``memory_bytes`` is the address space the function may use on top of the child's footprint at
start (interpreter plus preloaded readers), so the limit means the same on every machine.
RLIMIT_AS is enforced on Linux; elsewhere only the time limit applies.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

T = TypeVar("T")
# What reading and parsing a return needs (``loaders.safety.workbook.read_and_parse``).
PARSE_PRELOAD = ("python_calamine", "loaders.returns.issues", "loaders.returns.records",
                 "loaders.safety.guards", "loaders.returns.cells", "loaders.safety.workbook",
                 "loaders.returns.parse")
# The dashboard also copies a rejected upload with its problems marked in a child
# (``loaders.templates.issues_workbook``), which needs openpyxl.
PRELOAD = (*PARSE_PRELOAD, "openpyxl")
_lock = threading.Lock()
_context: BaseContext | None = None


class ParseFailed(Exception):
    """The file could not be read; ``reason`` says why in plain words, without the file name.

    Callers add the file name and the general fix ("save it again from Excel …").
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str]]:
        return ParseFailed, (self.reason,)


def _get_context(preload: Sequence[str] = PRELOAD) -> BaseContext:
    """The start method's context; ``preload`` counts only in the call that first makes it."""
    global _context
    with _lock:
        if _context is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(list(preload))  # type: ignore[attr-defined]
            _context = context
        return _context


def warm_up() -> None:
    """Start the forkserver now (about a second, once) so the first upload does not wait for it."""
    run_limited(_noop, memory_bytes=64 * 1024 * 1024, timeout_s=30)


def prepare(preload: Sequence[str] = PRELOAD) -> None:
    """Start the forkserver if it is not running, without waiting for it to finish importing.

    Called before the checks that precede a parse, so its start (interpreter and readers,
    a few tenths of a second) overlaps them instead of following them; the command line calls
    it first of all, with ``PARSE_PRELOAD`` (what a parse needs, no more). ``preload`` counts
    only in the first call of a process. A child still imports whatever else its function
    needs, inside its limits.
    """
    context = _get_context(preload)
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with _plain_main():
        forkserver.ensure_running()


def _noop() -> None:
    return None


def run_limited(func: Callable[..., T], *args: Any, memory_bytes: int, timeout_s: float) -> T:
    """func(*args) in a child process; its result, its own exception, or ParseFailed."""
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, func, args, memory_bytes), daemon=True)  # type: ignore[attr-defined]
    with _plain_main():
        child.start()
    sender.close()
    try:
        if not wait([receiver, child.sentinel], timeout_s):
            raise ParseFailed(f"reading it took longer than {timeout_s:g} seconds and was stopped "
                              "(remove unused sheets, rows and columns)")
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):
            child.join(5)
            raise ParseFailed(_crash_reason(child.exitcode, memory_bytes)) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    return _outcome(status, payload, memory_bytes)


@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """Start children without telling them to re-import ``__main__``.

    While Streamlit runs a page, ``sys.modules["__main__"]`` is that page's script, and
    multiprocessing would have every child (and the forkserver) run the page again on start —
    opening the database the server holds. The readers need nothing from ``__main__``.
    """
    with _lock:
        real = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = real


def _outcome(status: str, payload: Any, memory_bytes: int) -> Any:
    if status == "ok":
        return payload
    if status == "memory":
        raise ParseFailed(_memory_reason(memory_bytes))
    if status == "error" and isinstance(payload, BaseException):
        raise payload
    raise ParseFailed(f"the reader failed ({payload})")


def _memory_reason(memory_bytes: int) -> str:
    return (f"reading it needed more than {memory_bytes / 1024 / 1024:,.0f} MB of memory and was "
            "stopped (delete rows and columns with data or formatting far beyond the real data)")


def _crash_reason(exitcode: int | None, memory_bytes: int) -> str:
    return (f"the spreadsheet reader stopped unexpectedly (exit code {exitcode}), usually because the "
            f"file is damaged or would need more than {memory_bytes / 1024 / 1024:,.0f} MB to read")


def _child(sender: Connection, func: Callable[..., Any], args: tuple[Any, ...], memory_bytes: int) -> None:
    result: tuple[str, Any]
    os.environ["RUST_BACKTRACE"] = "0"  # one line in the log when calamine aborts, not a page
    try:
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result = ("ok", func(*args))
    except MemoryError:
        result = ("memory", None)
    except BaseException as exc:  # reported to the parent, which decides what the user sees
        result = ("error", exc)
    try:
        sender.send(result)
    except MemoryError:
        sender.send(("memory", None))
    except Exception as exc:  # an unpicklable result or exception
        sender.send(("failed", f"{type(exc).__name__}: {str(exc)[:200]}"))
    finally:
        sender.close()


def _address_space() -> int:
    """Bytes of address space this process has mapped now (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0
