"""A time limit around any store: a slow or failing store never holds up an answer.

Each read, write or delete runs on a small pool of threads and is waited for at most
``timeout`` seconds. Past that, or on any error, the caller gets a
``PersistenceException`` whose message names the operation and the error's type only
(never a key, an id or the store's own message), and the conversation goes on with
the defaults. An operation that is given up on may still finish in the background:
every store writes a record whole, in one statement, so it is then either the old
record or the new one, never a mixture. The stores' own time limits (SQLite's busy
timeout, botocore's connect and read timeouts) end such stragglers soon after.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

T = TypeVar("T")

#: Operations still running (given up on or not) before new ones are refused at once:
#: a store that hangs costs each request nothing, rather than a thread each.
MAX_IN_FLIGHT = 16


class BoundedAdapter(AbstractPersistenceAdapter):
    def __init__(self, inner: AbstractPersistenceAdapter, *, timeout: float, name: str, workers: int = 4):
        self.inner = inner
        self.timeout = timeout
        self.name = name
        self._workers = workers
        self._lock = threading.Lock()
        self._in_flight = 0
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    def _executor(self) -> ThreadPoolExecutor:
        """The pool for this process: a web server forks its workers after the skill is
        built, and threads do not survive a fork."""
        pid = os.getpid()
        if self._pool is None or self._pool_pid != pid:
            self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="preferences")
            self._pool_pid = pid
            self._in_flight = 0
        return self._pool

    def _finished(self, _: Future[Any]) -> None:
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)

    def _run(self, operation: str, call: Callable[[], T]) -> T:
        with self._lock:
            executor = self._executor()
            if self._in_flight >= MAX_IN_FLIGHT:
                raise PersistenceException(f"{self.name} {operation} skipped: the store is not answering")
            self._in_flight += 1
        future = executor.submit(call)
        future.add_done_callback(self._finished)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            raise PersistenceException(
                f"{self.name} {operation} took longer than {self.timeout:g}s"
            ) from None
        except Exception as error:
            raise PersistenceException(f"{self.name} {operation} failed ({type(error).__name__})") from None

    def check(self) -> None:
        """Opens and uses the store once, as at start-up, within the time limit: the
        error's type is kept (``PersistenceException``'s cause) for the one warning."""
        check = getattr(self.inner, "check", None)
        if check is None:
            return
        future = self._executor().submit(check)
        try:
            future.result(timeout=self.timeout)
        except FutureTimeout:
            late = f"{self.name} check took longer than {self.timeout:g}s"
            raise PersistenceException(late) from TimeoutError()

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        attributes = self._run("read", lambda: self.inner.get_attributes(request_envelope))
        return dict(attributes) if isinstance(attributes, dict) else {}

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self._run("write", lambda: self.inner.save_attributes(request_envelope, attributes))

    def delete_attributes(self, request_envelope: Any) -> None:
        self._run("delete", lambda: self.inner.delete_attributes(request_envelope))
