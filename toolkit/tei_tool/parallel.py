"""Work on many files in worker processes, with results in the order of the input.

Checking a document is pure Python and holds the GIL, so threads would not
help.  Workers are forked, so that they share what the parent has already
compiled (a schema) instead of compiling it each; where forking is not safe
the caller checks its files itself.  Files go to the workers in batches
(see :func:`batches`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import threading
from typing import Callable, Iterator, NoReturn, Sequence, TypeVar

from .errors import TeiToolError

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


def fork_ignoring_interrupts() -> int:
    """``os.fork()``, with Ctrl-C ignored in the child, which leaves it to the parent.

    Ctrl-C reaches every process of the terminal. It is held back from the
    moment before the fork until the child ignores it, so that it can never
    interrupt the child while Python is still setting it up (a traceback from
    an after-fork hook); the parent gets it as soon as it is let through.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    if pid == 0:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held back is raised here, in the parent
    except KeyboardInterrupt:
        os.kill(pid, signal.SIGTERM)  # no caller will know of the child: end it here
        os.waitpid(pid, 0)
        raise
    return pid


def map_in_order(work: Callable[[list], list[Result]], paths: Sequence, jobs: int) -> Iterator[Result]:
    """``work(batch)`` over batches of ``paths`` in ``jobs`` forked processes, one result per path,
    in input order.  Callers make sure :func:`fork_is_safe` first (else they work in this process:
    starting workers afresh would re-run the caller's main script, which not every script allows).

    Each worker is handed one batch at a time, the next when it sends back the last, so a worker
    that drew small files takes on more of them.  Plain forked processes and pipes cost a few
    milliseconds where a ``multiprocessing`` pool costs some tens: a run of three novels notices.
    """
    jobs = min(jobs, usable_cpus())  # more processes than CPUs only wait for each other
    planned = batches(paths, jobs)
    done: dict[int, Result] = {}
    following = 0
    with _Workers(work, [[paths[i] for i in batch] for batch in planned], min(jobs, len(planned))) as workers:
        for number, batch_results in workers.results():
            done.update(zip(planned[number], batch_results))
            while following in done:
                yield done.pop(following)
                following += 1


class _Worker:
    """A forked process, the pipe that hands it batch numbers and the pipe its results come back by."""

    def __init__(self, pid: int, tasks: int, results: int):
        self.pid = pid
        self.tasks = os.fdopen(tasks, "w")
        self.results = os.fdopen(results, "rb")
        self.batch: int | None = None

    def hand(self, number: int) -> None:
        self.batch = number
        self.tasks.write(f"{number}\n")
        self.tasks.flush()


class _Workers:
    """Worker processes sharing out numbered batches; used as a context manager, which starts and ends them."""

    def __init__(self, work: Callable[[list], list[Result]], batched_paths: list[list], count: int):
        self.work, self.batched_paths, self.count = work, batched_paths, count
        self.unhanded = iter(range(len(batched_paths)))
        self.workers: list[_Worker] = []

    def _start(self) -> None:
        tasks_read, tasks_write = os.pipe()
        results_read, results_write = os.pipe()
        pid = fork_ignoring_interrupts()
        if pid == 0:
            for worker in self.workers:  # the other workers' pipes: theirs and the parent's alone
                os.close(worker.tasks.fileno())
                os.close(worker.results.fileno())
            os.close(tasks_write)
            os.close(results_read)
            _serve(self.work, self.batched_paths, tasks_read, results_write)
        os.close(tasks_read)
        os.close(results_write)
        self.workers.append(_Worker(pid, tasks_write, results_read))

    def results(self) -> Iterator[tuple[int, list[Result]]]:
        """(batch number, its results) as the workers send them, until every batch is done."""
        busy = {}
        for worker in self.workers:
            self._hand_next(worker, busy)
        while busy:
            ready, _, _ = select.select(list(busy), [], [])
            for fd in ready:
                worker = busy.pop(fd)
                number = worker.batch
                try:
                    batch_results, problem = pickle.load(worker.results)
                except (EOFError, pickle.UnpicklingError):
                    files = ", ".join(map(str, self.batched_paths[number]))
                    raise TeiToolError(f"a worker process stopped unexpectedly while checking {files}") from None
                if problem is not None:
                    raise problem
                self._hand_next(worker, busy)
                yield number, batch_results

    def _hand_next(self, worker: _Worker, busy: dict) -> None:
        number = next(self.unhanded, None)
        if number is not None:
            worker.hand(number)
            busy[worker.results.fileno()] = worker

    def __enter__(self) -> _Workers:
        try:
            for _ in range(self.count):
                self._start()
        except BaseException as exc:  # Ctrl-C or no process to spare: end those already started
            self.__exit__(type(exc))
            raise
        return self

    def __exit__(self, kind, *_) -> None:
        """Closing a worker's task pipe ends it once its batch is done; after an error or Ctrl-C here
        it is not wanted any more, so it is stopped."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.tasks.close()
            if kind is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            worker.results.close()
            os.waitpid(worker.pid, 0)


def _error_data(error: Exception) -> bytes:
    """``error`` pickled for the parent, or its message as a TeiToolError when it would not come
    back whole (an exception whose ``__init__`` wants other arguments than its ``args``)."""
    try:
        data = pickle.dumps((None, error), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
        return data
    except Exception:
        return pickle.dumps((None, TeiToolError(str(error))))


def _serve(work: Callable[[list], list], batched_paths: list[list], tasks: int, results: int) -> NoReturn:
    """In a worker: for each batch number read from ``tasks``, ``work`` on that batch, and its
    results (or what stopped it) written to ``results``; then exit, never returning into the
    parent's code.  Ctrl-C is left to the parent, which then stops this process."""
    try:
        with os.fdopen(tasks) as incoming, os.fdopen(results, "wb") as outgoing:
            for line in incoming:
                try:
                    data = pickle.dumps((work(batched_paths[int(line)]), None), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # the process boundary: the parent raises it
                    data = _error_data(exc)
                outgoing.write(data)
                outgoing.flush()
    finally:
        os._exit(0)
