"""Work on many files in worker processes, with results in the order of the input.

Checking a document is pure Python and holds the GIL, so threads would not
help.  Workers are forked where the system allows it, so that they share
what the parent has already compiled (a schema) instead of compiling it
each; files go to them in batches (see :func:`batches`).
"""

from __future__ import annotations

import os
from typing import Callable, Iterator, Sequence, TypeVar

Result = TypeVar("Result")


def usable_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine has when it is pinned to some)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def file_size(path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def markup_count(path) -> int:
    """How many ``<`` the file holds: a cheap measure of how much checking it needs,
    which grows with the number of elements more than with the number of bytes."""
    count = 0
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


def map_in_order(work: Callable[[list], list[Result]], paths: Sequence, jobs: int,
                 initializer: Callable | None = None, initargs: tuple = ()) -> Iterator[Result]:
    """``work(batch)`` over batches of ``paths`` in ``jobs`` processes, one result per path, in input order.

    ``initializer`` prepares each worker when it cannot be forked from this
    process (it is then started afresh and has nothing compiled yet).
    """
    import multiprocessing  # only when several processes are wanted: a one-file run need not load it

    forking = hasattr(os, "fork")
    context = multiprocessing.get_context("fork" if forking else "spawn")
    planned = batches(paths, jobs)
    done: dict[int, Result] = {}
    following = 0
    with context.Pool(min(jobs, len(planned)), initializer=None if forking else initializer,
                      initargs=initargs) as pool:
        results = pool.imap(work, [[paths[i] for i in batch] for batch in planned], chunksize=1)
        for batch, batch_results in zip(planned, results):
            done.update(zip(batch, batch_results))
            while following in done:
                yield done.pop(following)
                following += 1
