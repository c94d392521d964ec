"""Run one function over the batches of a stream in forked worker processes, results in order.

A long `check-range` is almost all per-commit Python work on one core; the machine usually has
more. `ordered_map` keeps each worker a few batches ahead (IN_FLIGHT), takes a batch itself
whenever they all are, and gives the results out in stream order. Nothing else changes: the same
function runs on the same batches, and the results come out as a single process gives them.

- The workers are forked only when the stream holds more than one batch (a push, a pull
  request: one process, no fork), and after the parent's first batch, so that they inherit
  everything it compiled and cached rather than each compiling its own.
- Batches and results cross the pipes as `marshal` data: plain tuples, strings and numbers, the
  cheapest encoding there is. `marshal` keeps shared objects shared within one batch (the same
  rule text for thousands of commits crosses once).
- When the stream ends, the parent takes back the batches a worker still holds, newest first, rather
  than wait idle for them; a worker with a batch taken back is stopped, not waited for.
- A worker that fails (an internal error, a signal) costs nothing but time: the parent runs that
  batch itself, and meets the same error, if any, in its own words. A parent that stops (an
  error, Ctrl-C, a closed output) kills and reaps its workers.
- Forking is used on Linux only, where it is safe and cheap; elsewhere, or with
  `CTXLINT_JOBS=1`, everything runs in this process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar, cast

from linter.files import read_up_to, widen_pipe

B = TypeVar("B")
R = TypeVar("R")
#: Data as it crosses a pipe: what `marshal` writes (tuples, lists, dicts, strings, bytes, numbers,
#: None, frozensets), checked by marshal itself.
Packed = Any


class Codec(Generic[B, R]):
    """How batches and results cross the pipes: each packed into data that `marshal` writes
    (tuples, lists, strings, numbers, None, frozensets), and unpacked on the other side. The
    parent's own batches and results are never packed."""

    def pack_batch(self, batch: B) -> Packed:
        return batch

    def unpack_batch(self, data: Packed) -> B:
        return cast("B", data)

    def pack_result(self, result: R) -> Packed:
        return result

    def unpack_result(self, data: Packed, batch: B) -> R:
        """The result, from what the worker packed and the batch it was given (kept here: what
        the result would repeat of the batch need not cross the pipe)."""
        return cast("R", data)


#: Bytes of a frame's length prefix on the pipes.
_HEADER = 8
#: Past the highest descriptor a process can hold (os.closerange asks the kernel for the range at once).
_MAX_FD = 1 << 20
#: The most workers (this process included) a run uses: past it, the single git stream that feeds
#: them is the limit, not the cores.
MAX_JOBS = 4


def default_jobs() -> int:
    """Processes to lint with: one per usable core, at most MAX_JOBS; `CTXLINT_JOBS` overrides;
    1 off Linux, where forking a running interpreter is not safe."""
    override = os.environ.get("CTXLINT_JOBS", "").strip()
    if override.isdigit() and int(override) > 0:
        return min(int(override), 64)
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_JOBS))


def ordered_map(
    batches: Iterable[B],
    work: Callable[[B], R],
    jobs: int,
    codec: Codec[B, R],
) -> Iterator[R]:
    """`work(batch)` for every batch, in order, spread over `jobs` processes (this one included).

    What crosses to a worker and back goes through `codec`. Stop early by closing the iterator:
    the workers are killed and reaped.
    """
    stream = iter(batches)
    first = next(stream, None)
    if first is None:
        return
    yield work(first)
    second = next(stream, None)
    if second is None:
        return
    if jobs <= 1 or not hasattr(os, "fork"):
        yield work(second)
        yield from map(work, stream)
        return
    workers: list[_Worker] = []
    completed = False
    try:
        _flush_std_streams()
        for _ in range(jobs - 1):
            workers.append(_Worker.start(work, codec))
        yield from _schedule(second, stream, work, codec, workers)
        completed = True
    finally:
        for worker in workers:
            worker.stop(completed and not worker.taken_back)


def _schedule(second: B, stream: Iterator[B], work: Callable[[B], R], codec: Codec[B, R],
              workers: list[_Worker]) -> Iterator[R]:
    """The parent's loop: keep every worker IN_FLIGHT batches ahead, take a batch itself whenever
    they all are, and give the results out in stream order."""
    import select

    #: index -> result, for the results that wait for an earlier one
    done: dict[int, R] = {}
    #: index -> batch, for the batches with a worker
    sent: dict[int, B] = {}
    upcoming = 1  # the index of the next result to give out (the first batch's is out)

    def exchange(wait: bool) -> None:
        """Send what the pipes take, receive what the workers have finished (waiting for one
        result when `wait`)."""
        readers = [w for w in workers if w.queue]
        writers = [w.down for w in workers if w.outbox]
        if not readers and not writers:
            return
        readable, writable, _ = select.select(readers, writers, [], None if wait else 0)
        for worker in workers:
            if worker.down in writable:
                worker.flush()
        for worker in readable:
            index = worker.queue.popleft()
            batch = sent.pop(index)
            data = worker.receive()
            done[index] = codec.unpack_result(data, batch) if data is not None else work(batch)

    index = 1
    pending: B | None = second
    while pending is not None:
        exchange(wait=False)
        worker = min(workers, key=_Worker.load)
        if worker.alive and len(worker.queue) < IN_FLIGHT:
            worker.send(index, codec.pack_batch(pending))
            sent[index] = pending
        else:  # every worker is busy enough: this process takes the batch
            done[index] = work(pending)
        while upcoming in done:
            yield done.pop(upcoming)
            upcoming += 1
        index += 1
        pending = next(stream, None)
    # The stream is done and the workers still hold up to IN_FLIGHT batches each. Rather than wait
    # idle, this process takes back the newest batch of the fullest queue, one at a time: the
    # worker reaches it last, and its result for it, if it gets that far, is never read (the
    # worker is stopped, not waited for).
    while any(w.queue for w in workers):
        exchange(wait=False)
        fullest = max(workers, key=lambda w: len(w.queue))
        if len(fullest.queue) > 1:
            index = fullest.queue.pop()
            fullest.taken_back = True
            done[index] = work(sent.pop(index))
        elif any(w.queue for w in workers):
            exchange(wait=True)
        while upcoming in done:
            yield done.pop(upcoming)
            upcoming += 1


#: Batches a worker holds at once: the one it works on and a few more, so that it never waits for
#: the parent, which sends only between batches of its own (measured: with 2 a worker sat idle a
#: fifth of the time; with 4, a seventh; 6 gained nothing).
IN_FLIGHT = 4


class _Worker:
    """A forked child that reads batches from one pipe and writes results to another.

    The parent writes without blocking (what the pipe does not take waits in `outbox`): a parent
    blocked on a full pipe to a worker blocked on a full pipe back would wait forever.
    """

    __slots__ = ("alive", "down", "outbox", "pid", "queue", "taken_back", "up")

    def __init__(self, pid: int, down: int, up: int) -> None:
        from collections import deque

        self.pid = pid
        self.down = down  # parent -> child: batches
        self.up = up  # child -> parent: results
        self.alive = True
        #: the indexes of the batches sent and not yet answered, oldest first
        self.queue: deque[int] = deque()
        self.outbox = bytearray()
        #: whether the parent took back a batch it had sent (the worker may still be on it)
        self.taken_back = False

    def fileno(self) -> int:
        """The pipe its results come on (for select)."""
        return self.up

    def load(self) -> int:
        return len(self.queue) if self.alive else IN_FLIGHT + 1

    @classmethod
    def start(cls, work: Callable[[B], R], codec: Codec[B, R]) -> _Worker:
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        # Wide enough for every batch and result in flight: a worker whose result does not fit
        # waits, blocked, until the parent is done with a batch of its own (with JSON findings, some
        # 40 KB a batch, that was 12-15 ms of a 10,000-commit range's worker time).
        widen_pipe(down_write)
        widen_pipe(up_write)
        pid = os.fork()
        if pid == 0:  # the child: never returns
            # Every other descriptor is the parent's to close: held here too, the pipes of a
            # sibling or of a git process the parent reads would never see their end (the
            # parent waits for a `git cat-file` to exit once its input closes, for one).
            low, high = sorted((down_read, up_write))
            os.closerange(3, low)
            os.closerange(low + 1, high)
            os.closerange(high + 1, _MAX_FD)
            _serve(down_read, up_write, work, codec)
        os.close(down_read)
        os.close(up_write)
        os.set_blocking(down_write, False)
        return cls(pid, down_write, up_read)

    def send(self, index: int, data: Packed) -> None:
        import marshal

        payload = marshal.dumps(data)
        self.outbox += len(payload).to_bytes(_HEADER, "big")
        self.outbox += payload
        self.queue.append(index)
        self.flush()

    def flush(self) -> None:
        """Write what the pipe takes now of the batches waiting to go."""
        try:
            while self.outbox:
                written = os.write(self.down, self.outbox)
                del self.outbox[:written]
        except BlockingIOError:
            pass
        except OSError:  # it died: its batches are the parent's to run (receive says None)
            self.alive = False
            self.outbox.clear()

    def receive(self) -> Packed | None:
        """The result of the oldest batch sent, or None when the worker failed on it (the batch
        is then the parent's to run; a dead worker gets no more batches)."""
        import marshal

        if not self.alive:
            return None
        header = read_up_to(self.up, _HEADER + 1)
        if len(header) < _HEADER + 1:
            self.alive = False
            return None
        size, ok = int.from_bytes(header[:_HEADER], "big"), header[_HEADER]
        data = read_up_to(self.up, size)
        if not ok or len(data) < size:
            return None
        return marshal.loads(data)

    def stop(self, completed: bool) -> None:
        """End the worker: after a complete run it is idle and leaves when its pipe closes;
        after an interrupted one it is killed, whatever it was doing."""
        import signal

        for fd in (self.down, self.up):
            try:
                os.close(fd)
            except OSError:
                pass
        if not completed:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def _serve(down: int, up: int, work: Callable[[B], R], codec: Codec[B, R]) -> None:
    """The worker's loop: a batch in, its result out, until the parent closes the pipe."""
    import marshal
    import signal

    code = 0
    try:
        # Ctrl-C is the parent's to handle: it stops and kills its workers.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            header = read_up_to(down, _HEADER)
            if len(header) < _HEADER:
                break  # the parent is done (or gone)
            batch = codec.unpack_batch(marshal.loads(read_up_to(down, int.from_bytes(header, "big"))))
            try:
                data = marshal.dumps(codec.pack_result(work(batch)))
                ok = b"\1"
            except Exception:  # the parent runs this batch itself and reports what it meets
                data, ok = b"", b"\0"
            _write_all(up, len(data).to_bytes(_HEADER, "big") + ok + data)
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit handlers, no cache writes, no flushing of the parent's buffers


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _flush_std_streams() -> None:
    """Flush Python's buffers of stdout and stderr, so that no child ever writes them again."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
