"""Preferences in DynamoDB, through ask-sdk-dynamodb-persistence-adapter: for Lambda,
and for more than one server.

Imported only when a table is configured (``PREFERENCES_TABLE``): boto3 takes a good
part of a second to import, which a skill without a table never pays on a cold start.

The item is ``{"id": <keyed hash of the user id>, "attributes": {"rate",
"disclaimerHeard"}, "expiresAt": <epoch seconds>}``: the SDK adapter deletes it as it
always does; reading and writing are our own ``get_item`` and ``put_item`` (one whole
item, never a part), with only the preferences and the expiry that the table's time to
live acts on. DynamoDB's time-to-live deletion can lag by days, so a read ignores an
item past its ``expiresAt``, and one whose ``expiresAt`` is missing or not a number
(time to live would never delete it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import boto3
import botocore.exceptions
from ask_sdk_core.exceptions import PersistenceException
from botocore.config import Config

from skill.preferences import EXPIRY_ATTRIBUTE, ConfigurationError, Preferences, expires_at

try:
    # The SDK module makes a default boto3 resource when it is imported, which needs a region.
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
except botocore.exceptions.NoRegionError:
    raise ConfigurationError(
        "PREFERENCES_TABLE is set but boto3 has no AWS region: set AWS_REGION (Lambda sets it)"
    ) from None

PARTITION_KEY = "id"
ATTRIBUTES = "attributes"


#: The key the start-up check reads: never a user's (theirs are 64 hex digits).
CHECK_KEY = "start-up-check"


class PreferencesTable(DynamoDbAdapter):
    """The SDK's adapter, keyed by a keyed hash of the user id, writing only preferences
    and reading only items that have not expired."""

    def __init__(self, *args: Any, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock

    def check(self) -> None:
        """One read, as every session makes: the table is there and can be reached."""
        self.dynamodb.Table(self.table_name).get_item(Key={self.partition_key_name: CHECK_KEY})

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        key = self.partition_keygen(request_envelope)
        try:
            response = self.dynamodb.Table(self.table_name).get_item(
                Key={self.partition_key_name: key}, ConsistentRead=True
            )
        except Exception as error:
            raise PersistenceException(f"DynamoDB read failed ({type(error).__name__})") from None
        item = response.get("Item")
        if not isinstance(item, dict):
            return {}
        expiry = item.get(EXPIRY_ATTRIBUTE)
        # Time to live acts only on a Number (boto3 reads one as a Decimal): an item
        # without one, or with any other type (digits in a String too), is never deleted
        # by it, so it is not read either.
        if not isinstance(expiry, Decimal | int) or isinstance(expiry, bool):
            return {}
        if int(expiry) <= int(self.clock()):
            return {}  # time to live has not caught up with it yet
        attributes = item.get(self.attribute_name)
        return dict(attributes) if isinstance(attributes, dict) else {}

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        item = {
            self.partition_key_name: self.partition_keygen(request_envelope),
            self.attribute_name: Preferences.from_attributes(attributes).to_attributes(),
            EXPIRY_ATTRIBUTE: expires_at(self.clock()),
        }
        try:
            self.dynamodb.Table(self.table_name).put_item(Item=item)
        except Exception as error:
            raise PersistenceException(f"DynamoDB write failed ({type(error).__name__})") from None


def dynamodb_adapter(
    table: str, *, keys: Callable[[Any], str], timeout: float, clock: Callable[[], float] = time.time
) -> PreferencesTable:
    """The adapter for ``table``. botocore's own limits are set to the same timeout and
    one retry, so that an abandoned call ends soon (see ``bounded``). The endpoint is
    AWS's, unless ``AWS_ENDPOINT_URL_DYNAMODB`` says otherwise (the tests' local server)."""
    config = Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"total_max_attempts": 2, "mode": "standard"},
    )
    # The default session, whose service models the SDK's import has already loaded.
    resource = boto3.resource("dynamodb", config=config)
    resource.Table(table)  # loads the resource model now, not in two threads at once later
    return PreferencesTable(
        table_name=table,
        partition_key_name=PARTITION_KEY,
        attribute_name=ATTRIBUTES,
        create_table=False,
        partition_keygen=keys,
        clock=clock,
        dynamodb_resource=resource,
    )
