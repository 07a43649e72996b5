"""``/sparql`` queries and Graph Store reads of the on-disk store in worker processes, killed at
the time limit.

A query thread cannot be stopped (:mod:`api.security`): one that outlives ``query_timeout``
keeps its slot, its CPU and its memory until it finishes, and a handful of such queries —
anyone may send them to ``/sparql`` — leave every route answering 503 for as long as they
run. So ``/sparql`` runs its queries of the on-disk store in worker processes instead:

* each worker holds the store opened read-only (RocksDB allows that beside the server's own
  handle; it takes ~10 ms), reopened when the server has written since it opened it;
* a worker still busy at the time limit is killed, so its slot, CPU and memory are free at
  once and the next query gets a fresh worker;
* each worker's address space is capped at ``query_memory_mb`` above what the opened store
  takes: a query that would take the machine's memory kills its worker instead, and is
  answered 503;
* SELECT rows are read one at a time up to the row cap (:meth:`EmbeddedStore.capped_select`).

The in-memory store (tests) and remote endpoints (which enforce their own limits) keep the
thread path.
"""

from __future__ import annotations

import pickle
import resource
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import IO, Any

from api.errors import ApiError
from api.security import QueryTimeout
from quanze.store import EmbeddedStore, QuerySyntaxError, Store, StoreError


@dataclass
class Job:
    revision: int  # the server store's revision: the worker reopens when it has changed
    text: str
    media: str
    default_graphs: list[str]
    named_graphs: list[str]
    max_rows: int
    select: bool


def answer(store: Store, job: Job) -> tuple[bytes, str, bool]:
    """What ``/sparql`` answers: the body, its media type, whether the row cap cut it."""
    if job.select:
        body, truncated = store.capped_select(job.text, job.media, job.default_graphs, job.named_graphs, job.max_rows)
        return body, job.media, truncated
    body, media = store.sparql(job.text, job.media, job.default_graphs, job.named_graphs)
    return body, media, False


def _send(stream: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj)
    stream.write(len(data).to_bytes(8, "big") + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 — our own worker, over its own pipe


def _address_space() -> int:
    """This process's address space in bytes (VmSize)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _work(path: str, revision: int, memory_mb: int) -> None:
    """A worker's loop (``python -m api.sandbox PATH REVISION MEMORY_MB``): jobs from stdin,
    answers to stdout, until the server closes the pipe or kills it."""
    store: EmbeddedStore | None = EmbeddedStore(path, read_only=True)
    opened = revision  # the server's revision when it started us: we see at least that much
    if memory_mb > 0:
        # Capped on top of the opened store: RocksDB alone reserves 400–600 MiB of address space
        # (its arenas, hardly any of it resident), so a cap on the whole process would measure
        # the machine rather than the query, and could refuse a one-triple ASK.
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    jobs, answers = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            job: Job = _receive(jobs)
        except EOFError:
            return
        try:
            if store is None or job.revision != opened:
                if store is not None:
                    store.close()  # before reopening, so the two openings never share the cap
                store = EmbeddedStore(path, read_only=True)
                opened = job.revision
            _send(answers, ("ok", answer(store, job)))
        except QuerySyntaxError as exc:
            _send(answers, ("syntax", str(exc)))
        except MemoryError:
            _send(answers, ("memory", None))
        except Exception as exc:  # noqa: BLE001 — reported to the request, the worker goes on
            store = None  # a failed read (files compacted away under a read-only opening): reopen
            _send(answers, ("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, path: str, revision: int, memory_mb: int):
        # A plain subprocess rather than multiprocessing: spawning re-imports the server's
        # __main__, and forking a threaded server is unsafe.
        self.process = subprocess.Popen([sys.executable, "-m", "api.sandbox", path, str(revision), str(memory_mb)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.process.stdin and self.process.stdout
        self.jobs, self.answers = self.process.stdin, self.process.stdout

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, job: Job, timeout: float) -> tuple[str, Any] | None:
        """The worker's answer, or None when ``timeout`` passed first."""
        _send(self.jobs, job)
        ready, _, _ = select.select([self.answers], [], [], timeout)
        return _receive(self.answers) if ready else None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.jobs.close()
        self.answers.close()


def _out_of_memory(memory_mb: int) -> ApiError:
    return ApiError(503, f"查询所需内存超过上限（{memory_mb} MiB，QUANZE_QUERY_MEMORY_MB）/ "
                         f"the query needed more memory than allowed ({memory_mb} MiB, QUANZE_QUERY_MEMORY_MB)")


def _closing() -> ApiError:
    return ApiError(503, "服务正在关闭 / the service is shutting down")


class QueryProcesses:
    """Idle workers, started on demand; how many run at once is bounded by the caller's slots
    (:class:`api.security.QueryRunner`). Every worker is either idle or busy with one job, and
    both lists are known, so :meth:`close` ends them all: one busy at shutdown would otherwise
    be handed back to the idle list when its job ends, and live on with the store open."""

    def __init__(self, store: EmbeddedStore, memory_mb: int):
        assert store.path, "worker processes need the on-disk store"
        self.store = store
        self.memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._closed = False
        self._lock = threading.Lock()

    def run(self, job: Job, timeout: float) -> tuple[bytes, str, bool]:
        """``job`` in a worker (blocking: call it from the query thread); the worker is killed
        when ``timeout`` seconds pass without an answer. 503 once :meth:`close` has been called."""
        worker = self._take()
        job.revision = self.store.revision
        try:
            reply = worker.ask(job, timeout)
        except (EOFError, OSError):
            self._drop(worker)
            if self._closed:  # killed by close(), not by its query
                raise _closing() from None
            if worker.process.returncode == -signal.SIGABRT:  # Rust aborts on a failed allocation: the cap
                raise _out_of_memory(self.memory_mb) from None
            raise StoreError(f"查询进程异常退出 / the query worker exited ({worker.process.returncode})") from None
        if reply is None:
            self._drop(worker)
            raise QueryTimeout(timeout)
        kind, payload = reply
        if kind == "memory":
            # Python's MemoryError came back, but the allocator may be left fragmented right
            # under the cap: the next query gets a fresh worker.
            self._drop(worker)
            raise _out_of_memory(self.memory_mb)
        self._give_back(worker)
        if kind == "ok":
            return payload
        if kind == "syntax":
            raise QuerySyntaxError(payload)
        raise StoreError(payload)

    def _take(self) -> _Worker:
        """An idle worker, or a new one, counted busy; 503 once closed."""
        with self._lock:
            if self._closed:
                raise _closing()
            worker = self._idle.pop() if self._idle else None
        if worker is None or not worker.alive():
            if worker is not None:
                worker.kill()  # exited on its own: its pipes are closed here
            # The revision is read before the worker opens the store, so a write in between
            # shows as a newer revision on the job and the worker reopens.
            worker = _Worker(self.store.path or "", self.store.revision, self.memory_mb)
        with self._lock:
            if not self._closed:
                self._busy.add(worker)
                return worker
        worker.kill()  # closed while it started
        raise _closing()

    def _give_back(self, worker: _Worker) -> None:
        """A worker whose job is done: idle again, or killed when the pool has been closed."""
        with self._lock:
            self._busy.discard(worker)
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()

    def _drop(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.kill()

    def close(self) -> None:
        """Kill every worker, idle or busy; :meth:`run` refuses work from now on."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            busy = list(self._busy)
        for w in idle:
            w.kill()
        for w in busy:
            # Only the signal: the thread in run() is reading its pipe, sees it close, and
            # waits for the process and closes the pipes itself (_drop).
            w.process.kill()


def start(store: Any, memory_mb: int) -> QueryProcesses | None:
    """Worker processes for ``store`` when it is the on-disk store, else None (thread path)."""
    if isinstance(store, EmbeddedStore) and store.path:
        return QueryProcesses(store, memory_mb)
    return None


if __name__ == "__main__":
    _work(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
