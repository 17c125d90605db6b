"""Preferences in DynamoDB, through ask-sdk-dynamodb-persistence-adapter: for Lambda,
and for more than one server.

Imported only when a table is configured (``PREFERENCES_TABLE``): boto3 takes a good
part of a second to import, which a skill without a table never pays on a cold start.

The item is ``{"id": <hash of the user id>, "attributes": {"rate", "disclaimerHeard"},
"expiresAt": <epoch seconds>}``: the SDK adapter reads and deletes it as it always
does; writing is the adapter's own ``put_item`` (one whole item, never a part), with
only the preferences and the expiry that the table's time to live acts on.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
import botocore.exceptions
from ask_sdk_core.exceptions import PersistenceException
from botocore.config import Config

from skill.preferences import EXPIRY_ATTRIBUTE, ConfigurationError, Preferences, expires_at, user_key

try:
    # The SDK module makes a default boto3 resource when it is imported, which needs a region.
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
except botocore.exceptions.NoRegionError:
    raise ConfigurationError(
        "PREFERENCES_TABLE is set but boto3 has no AWS region: set AWS_REGION (Lambda sets it)"
    ) from None

PARTITION_KEY = "id"
ATTRIBUTES = "attributes"


class PreferencesTable(DynamoDbAdapter):
    """The SDK's adapter, keyed by a hash of the user id, writing only preferences."""

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        item = {
            self.partition_key_name: self.partition_keygen(request_envelope),
            self.attribute_name: Preferences.from_attributes(attributes).to_attributes(),
            EXPIRY_ATTRIBUTE: expires_at(time.time()),
        }
        try:
            self.dynamodb.Table(self.table_name).put_item(Item=item)
        except Exception as error:
            raise PersistenceException(f"DynamoDB write failed ({type(error).__name__})") from None


def dynamodb_adapter(table: str, *, timeout: float) -> PreferencesTable:
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
        partition_keygen=user_key,
        dynamodb_resource=resource,
    )
