"""What the skill remembers about a user between visits, and nothing else: the speaking
rate they asked for, and whether they have heard the note that the skill gives general
information. Never topics, never anything they said, never anything about their health.

The store sits behind the ASK SDK's persistence-adapter interface
(``AbstractPersistenceAdapter``): the conversation reads and writes through the SDK's
attributes manager (see ``skill.conversation.interceptors``), never a database client.
Which store is chosen from the configuration when the skill is built (``configured``):

=====================  =========================================================
``PREFERENCES_TABLE``  a DynamoDB table name: DynamoDB, through
                       ask-sdk-dynamodb-persistence-adapter (boto3 is imported only
                       then, so a skill without a table starts without it)
``PREFERENCES_DB``     the SQLite file, the default store off Lambda (default:
                       ``$XDG_STATE_HOME/secondary-breast-cancer-help/preferences.sqlite3``)
``PREFERENCES_STORE``  ``dynamodb``, ``sqlite`` or ``none`` to say which outright;
                       by default DynamoDB with a table, none on Lambda without one
                       (its disk is not kept), SQLite anywhere else
``PREFERENCES_TIMEOUT`` seconds a read, write or delete may take before the skill
                       answers without it (default 1.0)
``PREFERENCES_KEY``    the secret for the records' keys (at least 32 characters):
                       without it nothing is remembered, except where the web
                       service keeps SQLite: there it makes a key once and keeps
                       it beside the file (``key_file``)
=====================  =========================================================

A record is kept under an HMAC-SHA256 of the user id with ``PREFERENCES_KEY``, never
the id itself nor a plain hash of it (anyone holding a user id could find that row),
and expires ``KEEP_DAYS`` after it was last written.

An optional feature never stops the skill: a store that cannot be opened or used at
start-up (a corrupt or locked file, a read-only folder, a full disk, DynamoDB out of
reach), or a missing key, leaves the skill running without preferences after one
warning naming the error's type and the path or table (never anything about a user);
``open_store`` says which, and the web service's ``/health`` reports it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill import log as logs

if TYPE_CHECKING:
    from pathlib import Path

log = logs.get("skill.preferences")

Rate = Literal["normal", "slow"]
#: Whether preferences are remembered: ``on``; ``off`` (none asked for: ``none``, or
#: Lambda without a table); ``unavailable`` (asked for, but no key, or the store could
#: not be opened or used at start-up). The web service's ``/health`` reports it.
Status = Literal["on", "off", "unavailable"]
#: A record not written for this long is deleted (DynamoDB's time to live; SQLite on read).
KEEP_DAYS = 365
#: The DynamoDB attribute that holds the expiry time (seconds since the epoch): the
#: table's time-to-live attribute in template.yaml.
EXPIRY_ATTRIBUTE = "expiresAt"
DEFAULT_TIMEOUT_SECONDS = 1.0
#: The fewest characters ``PREFERENCES_KEY`` may have (``openssl rand -hex 32`` gives 64).
MIN_KEY_CHARS = 32
_APP_DIR = "secondary-breast-cancer-help"


class ConfigurationError(ValueError):
    """The preference store's configuration cannot work: the host refuses to start."""


class Preferences(NamedTuple):
    """Everything a record may hold. Anything else in stored attributes is ignored and
    never written back."""

    rate: Rate = "normal"
    disclaimer_heard: bool = False

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> Preferences:
        """Stored attributes as preferences; unknown or odd values read as defaults."""
        if not isinstance(attributes, Mapping):
            return cls()
        rate: Rate = "slow" if attributes.get("rate") == "slow" else "normal"
        return cls(rate=rate, disclaimer_heard=attributes.get("disclaimerHeard") is True)

    def to_attributes(self) -> dict[str, Any]:
        return {"rate": self.rate, "disclaimerHeard": self.disclaimer_heard}


class UserKeys:
    """The key a user's record is kept under: HMAC-SHA256 of the user id with a secret
    (``PREFERENCES_KEY``), so that the store (and anything that prints a key) never
    holds the id, and nobody who holds a user id but not the secret can find the row."""

    __slots__ = ("_secret",)

    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode("utf-8") if isinstance(secret, str) else secret
        if len(raw) < MIN_KEY_CHARS:
            raise ConfigurationError(f"PREFERENCES_KEY must be at least {MIN_KEY_CHARS} characters")
        self._secret = raw

    def __repr__(self) -> str:
        return "UserKeys(<secret>)"

    def __call__(self, request_envelope: Any) -> str:
        try:
            user_id = request_envelope.context.system.user.user_id
        except AttributeError:
            user_id = None
        if not isinstance(user_id, str) or not user_id:
            raise PersistenceException("the request carries no user id")
        # Imported here: only a configured store needs them, and a cold start should not.
        import hashlib
        import hmac

        return hmac.new(self._secret, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def expires_at(now: float) -> int:
    """When a record written ``now`` (seconds since the epoch) expires."""
    return int(now) + KEEP_DAYS * 24 * 60 * 60


def default_sqlite_path(environ: Mapping[str, str]) -> Path:
    from pathlib import Path

    state = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / _APP_DIR / "preferences.sqlite3"


def _timeout(environ: Mapping[str, str]) -> float:
    text = environ.get("PREFERENCES_TIMEOUT") or str(DEFAULT_TIMEOUT_SECONDS)
    try:
        seconds = float(text)
    except ValueError:
        raise ConfigurationError(f"PREFERENCES_TIMEOUT must be a number of seconds, not {text!r}") from None
    if not 0 < seconds <= 5:
        raise ConfigurationError("PREFERENCES_TIMEOUT must be more than 0 and at most 5 seconds")
    return seconds


class OpenedStore(NamedTuple):
    """The store to use (``None``: remember nothing) and why (see ``Status``)."""

    store: AbstractPersistenceAdapter | None
    status: Status


def open_store(environ: Mapping[str, str] | None = None, *, make_key: bool = False) -> OpenedStore:
    """The store this configuration asks for (see the module's docstring), opened and
    tried once now, bounded by the timeout. A setting that cannot mean anything (an
    unknown store, a timeout that is not a number) is a ``ConfigurationError``: the
    host refuses to start. Anything that goes wrong in opening the store is not: the
    skill runs without preferences, and says so in one warning.

    ``make_key``: a self-hosted web service keeping SQLite with no ``PREFERENCES_KEY``
    uses the key kept beside the file, made on its first start (``key_file``). Never on
    Lambda, nor with DynamoDB (servers sharing a table must share one key: set it)."""
    env = os.environ if environ is None else environ
    table = env.get("PREFERENCES_TABLE", "").strip()
    kind = env.get("PREFERENCES_STORE", "").strip().lower()
    if not kind:
        if table:
            kind = "dynamodb"
        elif env.get("AWS_LAMBDA_FUNCTION_NAME"):
            kind = "none"  # Lambda keeps no disk between containers: set PREFERENCES_TABLE
        else:
            kind = "sqlite"
    if kind not in ("dynamodb", "sqlite", "none"):
        raise ConfigurationError(f"PREFERENCES_STORE must be dynamodb, sqlite or none, not {kind!r}")
    if kind == "dynamodb" and not table:
        raise ConfigurationError("PREFERENCES_STORE=dynamodb needs PREFERENCES_TABLE, the table's name")
    timeout = _timeout(env)
    if kind == "none":
        log.info("preferences: not remembered between sessions")
        return OpenedStore(None, "off")
    if kind == "sqlite":
        from pathlib import Path

        path = Path(env.get("PREFERENCES_DB") or default_sqlite_path(env)).expanduser()
        where = f"SQLite at {path}"
    else:
        where = f"DynamoDB table {table}"
    secret = env.get("PREFERENCES_KEY", "")
    key_note = ""
    if not secret and make_key and kind == "sqlite" and not env.get("AWS_LAMBDA_FUNCTION_NAME"):
        kept = _kept_key(path)
        if kept is None:
            return OpenedStore(None, "unavailable")
        secret, key_note = kept, " (its key kept beside it)"
    if len(secret.encode("utf-8")) < MIN_KEY_CHARS:
        problem = "is not set" if not secret else f"is shorter than {MIN_KEY_CHARS} characters"
        log.warning("preferences: not remembered: PREFERENCES_KEY %s (the records' secret key)", problem)
        return OpenedStore(None, "unavailable")
    keys = UserKeys(secret)
    from skill.preferences.bounded import BoundedAdapter

    try:
        if kind == "sqlite":
            from skill.preferences.sqlite import SqliteAdapter

            inner: AbstractPersistenceAdapter = SqliteAdapter(path, keys=keys, busy_timeout=timeout)
        else:
            from skill.preferences.dynamodb import dynamodb_adapter

            inner = dynamodb_adapter(table, keys=keys, timeout=timeout)
        store = BoundedAdapter(inner, timeout=timeout, name=kind)
        store.check()
    except ConfigurationError as error:
        # Our own words (for example: no AWS region), never a user's.
        log.warning("preferences: not remembered: %s cannot be used (%s)", where, error)
        return OpenedStore(None, "unavailable")
    except Exception as error:
        cause = error.__cause__ or error.__context__ if isinstance(error, PersistenceException) else None
        log.warning("preferences: not remembered: %s cannot be used (%s)", where, _kind(cause or error))
        return OpenedStore(None, "unavailable")
    log.info("preferences: %s%s", where, key_note)
    return OpenedStore(store, "on")


def _kept_key(database: Path) -> str | None:
    """The key kept beside ``database``, made now if there is none (and said so, once:
    never the key itself). A key file that cannot be read or made leaves the skill
    without preferences, after one warning naming the file and the error's type."""
    from skill.preferences import key_file

    path = key_file.path_for(database)
    try:
        key, made = key_file.load_or_make(path)
    except key_file.KeyFileError as error:
        log.warning("preferences: not remembered: the key file %s %s", path, error)
        return None
    except OSError as error:
        log.warning("preferences: not remembered: the key file %s cannot be used (%s)", path, _kind(error))
        return None
    if made:
        log.info(
            "preferences: no PREFERENCES_KEY set, so a new key was made and kept in %s (owner only); "
            "keep it with the database: without it every record is unreachable",
            path,
        )
    return key


def _kind(error: BaseException) -> str:
    """The error's type, and SQLite's or the system's name for it (``SQLITE_FULL``,
    ``EACCES``): never its message, which may quote a path's contents or a server's."""
    import errno

    name = getattr(error, "sqlite_errorname", None)
    if name is None and isinstance(error, OSError) and error.errno is not None:
        name = errno.errorcode.get(error.errno)
    return f"{type(error).__name__} {name}" if isinstance(name, str) else type(error).__name__


def configured(environ: Mapping[str, str] | None = None) -> AbstractPersistenceAdapter | None:
    """The store this configuration asks for, or ``None`` (see ``open_store``)."""
    return open_store(environ).store
