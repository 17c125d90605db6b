"""The skill on AWS Lambda: one skill, built once per container, reused by every call."""

from __future__ import annotations

import logging
import os
from typing import Any

from skill import builder

logging.getLogger("skill").setLevel(os.environ.get("LOG_LEVEL", "INFO"))

# When SKILL_ID is set, requests meant for any other skill are refused.
_handler = builder.lambda_handler(skill_id=os.environ.get("SKILL_ID") or None)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _handler(event, context)
