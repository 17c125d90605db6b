"""The records' secret key that a self-hosted skill makes for itself, kept beside its
SQLite file, so that ``make run`` and ``python -m skill serve`` remember preferences
without anyone exporting ``PREFERENCES_KEY`` first.

Made once, with ``secrets``: 32 random bytes as 64 hex characters. It never reaches a
log line, and never leaves the server's disk: the file is owner-only (0600) from the
first byte, and appears whole or not at all. The key is written to a private temporary
file in the same folder, flushed to disk, then linked to its name: ``link`` fails
rather than replace a file already there, so two processes starting at once end up
with one key, and nobody ever reads half of one. Later starts read it back.

On AWS Lambda the key is never made (its disk is not kept, and the template passes the
key in): only the web service asks for one, and this module is left out of the Lambda
zip.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from skill.preferences import MIN_KEY_CHARS

#: The key file's name is the database's with this added: ``preferences.sqlite3.key``.
SUFFIX = ".key"
#: Random bytes in a new key (written as twice as many hex characters).
KEY_BYTES = 32
#: A key file is a line; anything much longer is not one of ours.
_MAX_READ = 4096
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: Where ``link`` cannot be used (a file system without hard links), the key is written
#: straight to its name instead, still created exclusively and 0600.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


class KeyFileError(ValueError):
    """The key file is there, but holds no usable key. Our own words, never its bytes."""


def path_for(database: Path) -> Path:
    """Where the key for ``database`` is kept: beside it."""
    return database.with_name(database.name + SUFFIX)


def load_or_make(path: Path) -> tuple[str, bool]:
    """The key kept at ``path``, and whether it was made just now (it was not there)."""
    try:
        return read(path), False
    except FileNotFoundError:
        pass
    key = secrets.token_hex(KEY_BYTES)
    try:
        _create(path, key)
    except FileExistsError:
        return read(path), False  # another process made it first: use theirs
    return key, True


def read(path: Path) -> str:
    """The key in the file. A file others could read is made owner-only again first."""
    descriptor = os.open(path, os.O_RDONLY | _CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise KeyFileError("is not a regular file")
        if mode & 0o077:
            os.fchmod(descriptor, 0o600)
        data = os.read(descriptor, _MAX_READ)
    finally:
        os.close(descriptor)
    try:
        key = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise KeyFileError("does not hold a key (not text)") from None
    if len(key) < MIN_KEY_CHARS or any(char.isspace() for char in key):
        raise KeyFileError(f"does not hold a key of at least {MIN_KEY_CHARS} characters")
    return key


def _create(path: Path, key: str) -> None:
    """Write a new key file, whole and 0600, or raise ``FileExistsError`` if one is there."""
    from skill.preferences.sqlite import private_folder

    private_folder(path.parent)
    data = (key + "\n").encode("ascii")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    _write(temporary, data)
    try:
        os.link(temporary, path)
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        _write(path, data)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _sync_folder(path.parent)


def _write(path: Path, data: bytes) -> None:
    """A new file (never an existing one), 0600 whatever the umask, flushed to disk."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """The new name survives a power cut too, where the system allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | _CLOEXEC)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)
