"""Render workers: processes that get the parsed inputs once and render PDF after PDF.

The parent has read and checked the content and the catalogues before the first
render (:func:`pressroom.production.builder.build`); each worker receives them
once, pickled (about 0.5 MB for six languages, a few milliseconds), instead of
reading the YAML and the catalogues again for every PDF. Workers come from a fork
server that has imported WeasyPrint once, so none pays that import.

A worker takes the next task as soon as it is free (request order; results are
delivered in request order by the caller). WeasyPrint keeps much of the memory a
document needed until its process ends, so a worker whose resident memory has
passed ``memory_mb`` after a task retires; a new one starts only if tasks are
left, so no worker is started to sit idle at the end.

A worker that dies (killed, out of memory) is an error naming the PDF it was
rendering; an exception in a task comes back to the parent and is raised there.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from pressroom.errors import PressroomError

# A worker that holds more than this after a task is replaced (PRESSROOM_WORKER_MEMORY_MB)
DEFAULT_MEMORY_MB = 400
PRELOAD = ["pressroom.production.builder", "weasyprint"]


def memory_mb() -> float:
    """This process's resident memory now (Linux: /proc; elsewhere its peak)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def memory_limit() -> float:
    value = os.environ.get("PRESSROOM_WORKER_MEMORY_MB", "")
    try:
        return float(value) if value else DEFAULT_MEMORY_MB
    except ValueError:
        raise PressroomError(f"PRESSROOM_WORKER_MEMORY_MB must be a number of megabytes, "
                             f"not '{value}'") from None


def _serve(conn: Connection, work: Callable[[Any, Any], Any], inputs: Any,
           limit: float) -> None:
    """A worker's life: run each task it is sent, answer, retire above ``limit``."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone: nothing more to do
            return
        if task is None:
            return
        try:
            answer: tuple = ("done", work(inputs, task))
        except BaseException as exc:  # sent back whole, raised in the parent
            answer = ("failed", _picklable(exc))
        retire = memory_mb() > limit
        conn.send((*answer, retire))
        if retire or answer[0] == "failed":
            return


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return PressroomError(f"{type(exc).__name__}: {exc}")


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: Any = None

    def give(self, task: Any) -> None:
        self.task = task
        self.conn.send(task)

    def answer(self) -> tuple[str, Any, bool]:
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join()
            raise PressroomError(f"the worker rendering {_name(self.task)} stopped "
                                 f"(exit status {self.process.exitcode}); "
                                 "if it ran out of memory, try fewer jobs (-j 1)") from None

    def stop(self, tell: bool) -> None:
        if tell:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join()
        self.conn.close()


def _name(task: Any) -> str:
    return " ".join(str(part) for part in task) if isinstance(task, tuple) else str(task)


class _Crew:
    """The running workers, each with its task, and the tasks not yet given."""

    def __init__(self, work: Callable[[Any, Any], Any], inputs: Any, tasks: list,
                 limit: float):
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.args = (work, inputs, limit)
        self.pending = deque(tasks)
        self.busy: dict[Connection, _Worker] = {}

    def start(self) -> None:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child, *self.args), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.busy[parent] = worker
        worker.give(self.pending.popleft())

    def next_step(self, worker: _Worker, retire: bool) -> None:
        """After ``worker``'s answer: its next task, or its end (and a successor
        when it retired with tasks left)."""
        if not retire and self.pending:
            worker.give(self.pending.popleft())
            return
        worker.stop(tell=not retire)
        del self.busy[worker.conn]
        if retire and self.pending:
            self.start()

    def kill(self) -> None:
        for worker in self.busy.values():
            worker.process.terminate()
        for worker in self.busy.values():
            worker.process.join()
            worker.conn.close()


def run(work: Callable[[Any, Any], Any], inputs: Any, tasks: list, jobs: int,
        limit: float | None = None) -> Iterator[tuple[Any, Any]]:
    """Yield ``(task, work(inputs, task))`` as each finishes, with at most ``jobs``
    workers; ``work`` must be a module-level function (it is pickled by name)."""
    crew = _Crew(work, inputs, tasks, memory_limit() if limit is None else limit)
    try:
        for _ in range(min(jobs, len(tasks))):
            crew.start()
        while crew.busy:
            for conn in wait(list(crew.busy)):
                worker = crew.busy[cast(Connection, conn)]
                status, value, retire = worker.answer()
                if status == "failed":
                    raise value
                task = worker.task
                crew.next_step(worker, retire)
                yield task, value
    finally:
        crew.kill()
