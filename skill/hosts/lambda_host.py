"""The skill on AWS Lambda: one skill, built once per container, reused by every call."""

from __future__ import annotations

import os
from typing import Any

from skill import builder, metrics
from skill import log as logs

log = logs.get("skill.lambda")
logs.set_level("skill", os.environ.get("LOG_LEVEL", "INFO"))

# When SKILL_ID is set, requests meant for any other skill are refused. The preference
# store comes from the environment too: PREFERENCES_TABLE for DynamoDB (see
# skill/preferences); without it, nothing is remembered between sessions on Lambda.
_skill_id = os.environ.get("SKILL_ID") or None
if _skill_id is None:
    # Once per container, at cold start: without it the function answers any skill.
    log.warning("SKILL_ID is not set: requests for any skill will be answered; set it to this skill's id")
# One CloudWatch metric line per request (the kind of answer, never the user's words):
# the function's output is its log group, and CloudWatch reads the metric from it.
_handler = builder.lambda_handler(
    skill_id=_skill_id, environ=os.environ, counter=metrics.for_lambda(os.environ)
)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _handler(event, context)
