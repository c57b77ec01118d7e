"""Work on many files in worker processes, with results in the order of the input.

Checking a document is pure Python and holds the GIL, so threads would not
help.  Workers are forked, so that they share what the parent has already
compiled (a schema) instead of compiling it each; where forking is not safe
the caller checks its files itself.  Files go to the workers in batches
(see :func:`batches`).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Callable, Iterator, Sequence, TypeVar

Result = TypeVar("Result")


def usable_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine has when it is pinned to some)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def fork_is_safe() -> bool:
    """Whether this process may be forked: only the calling thread lives on in the child, so not
    once other threads run, Saxon's among them (it starts one of its own when it first runs)."""
    transform = sys.modules.get("tei_tool.transform")  # looked up, not imported: Saxon is not loaded for nothing
    saxon_running = transform is not None and transform.saxon_started()
    return hasattr(os, "fork") and threading.active_count() == 1 and not saxon_running


def file_size(path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def markup_count(path) -> int:
    """How many ``<`` the file holds: a cheap measure of how much checking it needs,
    which grows with the number of elements more than with the number of bytes."""
    count = 0
    if not os.path.isfile(path):  # a pipe would block; it is reported when checked
        return count
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                count += chunk.count(b"<")
    except OSError:
        pass
    return count


def batches(paths: Sequence, jobs: int) -> list[list[int]]:
    """Indexes of ``paths`` in batches for the workers: files of one folder together, largest batches first.

    Files of one folder tend to be of one kind (one project's letters, one
    collection's novels) and so to need the same derivatives: a worker
    that gets them together works those out once instead of each worker
    working them all out.  Batches are kept small enough to share the work
    evenly, and the largest go first so that no worker is left with a big
    file at the end while the others wait.
    """
    sizes = [file_size(p) for p in paths]
    target = max(1, sum(sizes) // (jobs * 4))
    folders: dict[str, list[int]] = {}
    for i in sorted(range(len(paths)), key=lambda i: -sizes[i]):
        folders.setdefault(os.path.dirname(paths[i]), []).append(i)
    found: list[list[int]] = []
    for members in folders.values():
        batch, weight = [], 0
        for i in members:
            batch.append(i)
            weight += sizes[i]
            if weight >= target:
                found.append(batch)
                batch, weight = [], 0
        if batch:
            found.append(batch)
    return sorted(found, key=lambda batch: -sum(sizes[i] for i in batch))


def map_in_order(work: Callable[[list], list[Result]], paths: Sequence, jobs: int) -> Iterator[Result]:
    """``work(batch)`` over batches of ``paths`` in ``jobs`` forked processes, one result per path,
    in input order.  Callers make sure :func:`fork_is_safe` first (else they work in this process:
    starting workers afresh would re-run the caller's main script, which not every script allows).
    """
    import multiprocessing  # only when several processes are wanted: a one-file run need not load it

    jobs = min(jobs, usable_cpus())  # more processes than CPUs only wait for each other
    planned = batches(paths, jobs)
    done: dict[int, Result] = {}
    following = 0
    with multiprocessing.get_context("fork").Pool(min(jobs, len(planned)), initializer=_leave_interrupts_to_parent) as pool:
        results = pool.imap(work, [[paths[i] for i in batch] for batch in planned], chunksize=1)
        for batch, batch_results in zip(planned, results):
            done.update(zip(batch, batch_results))
            while following in done:
                yield done.pop(following)
                following += 1


def _leave_interrupts_to_parent() -> None:
    """Ctrl-C reaches every process of the terminal; the parent alone answers it (and ends the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
