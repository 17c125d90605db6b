"""Preferences in a SQLite file: the default store for local runs and the web service.

Safe under several gunicorn workers (processes) and threads: the file is in WAL mode,
so readers never wait for a writer; each write is one statement in its own short
transaction; a writer that finds the file locked waits at most the busy timeout. The
table's columns are the preferences themselves, with checks, so nothing else (nothing
about anyone's health) can be stored in it.

Private from the first byte: the folder is made 0700 and the file 0600 as they are
created (the modes given to ``mkdir`` and ``open`` can only be narrowed by the umask,
never widened, so no process-wide umask is changed under other threads), and SQLite
gives its ``-wal`` and ``-shm`` files the database's mode. Deleted rows are overwritten
(``secure_delete``), and a delete is checkpointed out of the write-ahead log at once,
so that a forgotten record leaves the disk. Expired rows are purged at start-up and
then at most once an hour, on a write.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.preferences import Preferences, expires_at

SCHEMA = """
CREATE TABLE IF NOT EXISTS preferences (
    user_key TEXT PRIMARY KEY NOT NULL,
    rate TEXT NOT NULL CHECK (rate IN ('normal', 'slow')),
    disclaimer_heard INTEGER NOT NULL CHECK (disclaimer_heard IN (0, 1)),
    expires_at INTEGER NOT NULL
) WITHOUT ROWID
"""

_UPSERT = """
INSERT INTO preferences (user_key, rate, disclaimer_heard, expires_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_key) DO UPDATE SET
    rate = excluded.rate, disclaimer_heard = excluded.disclaimer_heard, expires_at = excluded.expires_at
"""


#: Expired rows are purged at most this often (seconds), on a write.
PURGE_INTERVAL_SECONDS = 60 * 60


class SqliteAdapter(AbstractPersistenceAdapter):
    def __init__(
        self,
        path: Path,
        *,
        keys: Callable[[Any], str],
        busy_timeout: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._keys = keys
        self._clock = clock
        self._local = threading.local()
        self._last_purge = float("-inf")
        private_folder(self.path.parent)
        _private_file(self.path)
        # Made (and expired records purged) once, at start-up; the connection is closed
        # again so that none is shared with processes forked after this.
        connection = self._open()
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(SCHEMA)
            self._purge(connection)
        finally:
            connection.close()

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        # In WAL mode each commit is atomic; NORMAL makes it durable at the next checkpoint.
        connection.execute("PRAGMA synchronous=NORMAL")
        # A deleted row's bytes are overwritten with zeros, not left in a free page.
        connection.execute("PRAGMA secure_delete=ON")
        return connection

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread (and per process: a forked worker opens its own)."""
        pid = os.getpid()
        if getattr(self._local, "pid", None) != pid:
            self._local.connection = self._open()
            self._local.pid = pid
        connection: sqlite3.Connection = self._local.connection
        return connection

    def _purge(self, connection: sqlite3.Connection) -> None:
        now = self._clock()
        self._last_purge = now
        deleted = connection.execute("DELETE FROM preferences WHERE expires_at <= ?", (int(now),)).rowcount
        if deleted:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def check(self) -> None:
        """Reads the table once, as every session will: a start-up check."""
        self._connection().execute("SELECT count(*) FROM preferences WHERE user_key = ''").fetchone()

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        row = (
            self._connection()
            .execute(
                "SELECT rate, disclaimer_heard FROM preferences WHERE user_key = ? AND expires_at > ?",
                (self._keys(request_envelope), int(self._clock())),
            )
            .fetchone()
        )
        if row is None:
            return {}
        return Preferences.from_attributes({"rate": row[0], "disclaimerHeard": row[1] == 1}).to_attributes()

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        preferences = Preferences.from_attributes(attributes)
        connection = self._connection()
        connection.execute(
            _UPSERT,
            (
                self._keys(request_envelope),
                preferences.rate,
                int(preferences.disclaimer_heard),
                expires_at(self._clock()),
            ),
        )
        if self._clock() - self._last_purge >= PURGE_INTERVAL_SECONDS:
            self._purge(connection)

    def delete_attributes(self, request_envelope: Any) -> None:
        key = self._keys(request_envelope)
        connection = self._connection()
        connection.execute("DELETE FROM preferences WHERE user_key = ?", (key,))
        # Out of the write-ahead log and into the (zeroed) database now, not at some
        # later checkpoint; a reader holding the log open only delays it.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def private_folder(folder: Path) -> None:
    """Makes the folder (and any missing parents) 0700; one that exists is left as is:
    it may be shared, and it is the file that must be private."""
    missing = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    for parent in reversed(missing):
        try:
            parent.mkdir(mode=0o700)
        except FileExistsError:
            continue


def _private_file(path: Path) -> None:
    """Creates the database file 0600 if it is not there (SQLite takes an empty file as a
    new database), and makes an existing one 0600."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)
