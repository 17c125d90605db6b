"""Preferences in a SQLite file: the default store for local runs and the web service.

Safe under several gunicorn workers (processes) and threads: the file is in WAL mode,
so readers never wait for a writer; each write is one statement in its own short
transaction; a writer that finds the file locked waits at most the busy timeout. The
table's columns are the preferences themselves, with checks, so nothing else (nothing
about anyone's health) can be stored in it.
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

from skill.preferences import Preferences, expires_at, user_key

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


class SqliteAdapter(AbstractPersistenceAdapter):
    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Made (and expired records purged) once, at start-up; the connection is closed
        # again so that none is shared with processes forked after this.
        with self._open() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(SCHEMA)
            connection.execute("DELETE FROM preferences WHERE expires_at <= ?", (int(self._clock()),))
        connection.close()
        self.path.chmod(0o600)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        # In WAL mode each commit is atomic; NORMAL makes it durable at the next checkpoint.
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread (and per process: a forked worker opens its own)."""
        pid = os.getpid()
        if getattr(self._local, "pid", None) != pid:
            self._local.connection = self._open()
            self._local.pid = pid
        connection: sqlite3.Connection = self._local.connection
        return connection

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        row = (
            self._connection()
            .execute(
                "SELECT rate, disclaimer_heard FROM preferences WHERE user_key = ? AND expires_at > ?",
                (user_key(request_envelope), int(self._clock())),
            )
            .fetchone()
        )
        if row is None:
            return {}
        return Preferences.from_attributes({"rate": row[0], "disclaimerHeard": row[1] == 1}).to_attributes()

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        preferences = Preferences.from_attributes(attributes)
        self._connection().execute(
            _UPSERT,
            (
                user_key(request_envelope),
                preferences.rate,
                int(preferences.disclaimer_heard),
                expires_at(self._clock()),
            ),
        )

    def delete_attributes(self, request_envelope: Any) -> None:
        key = user_key(request_envelope)
        self._connection().execute("DELETE FROM preferences WHERE user_key = ?", (key,))
