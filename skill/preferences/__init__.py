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
=====================  =========================================================

A record is kept under a hash of the user id, never the id itself, and expires
``KEEP_DAYS`` after it was last written.
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
#: A record not written for this long is deleted (DynamoDB's time to live; SQLite on read).
KEEP_DAYS = 365
#: The DynamoDB attribute that holds the expiry time (seconds since the epoch): the
#: table's time-to-live attribute in template.yaml.
EXPIRY_ATTRIBUTE = "expiresAt"
DEFAULT_TIMEOUT_SECONDS = 1.0
_APP_DIR = "secondary-breast-cancer-help"
_KEY_PREFIX = "secondary-breast-cancer-help:preferences:"


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


def user_key(request_envelope: Any) -> str:
    """The key a user's record is kept under: a hash of the user id, so that the store
    (and anything that prints a key) never holds the id itself."""
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("the request carries no user id")
    import hashlib  # here: only a configured store needs it, and a cold start should not

    return hashlib.sha256((_KEY_PREFIX + user_id).encode("utf-8")).hexdigest()


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


def configured(environ: Mapping[str, str] | None = None) -> AbstractPersistenceAdapter | None:
    """The store this configuration asks for (see the module's docstring), bounded by
    the timeout; ``None`` when nothing is to be remembered."""
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
    timeout = _timeout(env)
    if kind == "none":
        log.info("preferences: not remembered between sessions")
        return None
    from skill.preferences.bounded import BoundedAdapter

    if kind == "sqlite":
        from pathlib import Path

        from skill.preferences.sqlite import SqliteAdapter

        path = Path(env.get("PREFERENCES_DB") or default_sqlite_path(env)).expanduser()
        log.info("preferences: SQLite at %s", path)
        return BoundedAdapter(SqliteAdapter(path, busy_timeout=timeout), timeout=timeout, name="sqlite")
    if kind == "dynamodb":
        if not table:
            raise ConfigurationError("PREFERENCES_STORE=dynamodb needs PREFERENCES_TABLE, the table's name")
        from skill.preferences.dynamodb import dynamodb_adapter

        log.info("preferences: DynamoDB table %s", table)
        return BoundedAdapter(dynamodb_adapter(table, timeout=timeout), timeout=timeout, name="dynamodb")
    raise ConfigurationError(f"PREFERENCES_STORE must be dynamodb, sqlite or none, not {kind!r}")
