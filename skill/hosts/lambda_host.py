"""The skill on AWS Lambda: one skill, built once per container, reused by every call."""

from __future__ import annotations

import logging
import os
from typing import Any

from skill import builder

logging.getLogger("skill").setLevel(os.environ.get("LOG_LEVEL", "INFO"))

# When SKILL_ID is set, requests meant for any other skill are refused. The preference
# store comes from the environment too: PREFERENCES_TABLE for DynamoDB (see
# skill/preferences); without it, nothing is remembered between sessions on Lambda.
_handler = builder.lambda_handler(skill_id=os.environ.get("SKILL_ID") or None, environ=os.environ)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _handler(event, context)
