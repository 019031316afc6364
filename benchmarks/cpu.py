"""CPU seconds spent by the server and by the browser while an action is timed.

On a shared, busy machine the wall-clock time of an action stretches with everyone else's work;
the CPU time its processes used does much less. So beside each median the budgets benchmark
gives the CPU the server (its process and children) and Chromium used: if that alone exceeds
a budget, the budget is missed whatever the machine is doing. Read from /proc (Linux only);
elsewhere the figures are absent.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stats() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds of it and its reaped children)."""
    found = {}
    for entry in PROC.glob("[0-9]*"):
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        # After the name: state, ppid, …; utime, stime, cutime, cstime are fields 14–17 of stat.
        ticks = sum(int(f) for f in fields[11:15])
        found[int(entry.name)] = (int(fields[1]), ticks / TICKS)
    return found


def tree_seconds(root: int, stats: dict[int, tuple[int, float]], skip: int | None = None) -> float:
    """CPU seconds of ``root`` and its descendants, leaving out the tree under ``skip``."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid == skip or pid not in stats:
            continue
        total += stats[pid][1]
        todo.extend(children.get(pid, []))
    return total


@dataclass
class Meter:
    """CPU seconds used while the block ran: by the server, and by the browser (every other
    process this one started)."""
    server_pid: int
    server: float = 0.0
    browser: float = 0.0

    def read(self) -> tuple[float, float]:
        """(server, browser) CPU seconds so far; the browser's include Playwright's driver."""
        if not PROC.exists():
            return 0.0, 0.0
        stats = _stats()
        me = os.getpid()
        mine = tree_seconds(me, stats, skip=self.server_pid) - stats.get(me, (0, 0.0))[1]
        return tree_seconds(self.server_pid, stats), mine


@contextlib.contextmanager
def metered(server_pid: int) -> Iterator[Meter]:
    """``with metered(pid) as m: …``; afterwards ``m.server`` and ``m.browser`` hold seconds."""
    meter = Meter(server_pid)
    server_before, browser_before = meter.read()
    yield meter
    server_after, browser_after = meter.read()
    meter.server, meter.browser = server_after - server_before, browser_after - browser_before
