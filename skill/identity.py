"""Which skill a request is for: the application ids its envelope states.

Alexa names the skill twice, in the context and (within a session) in the session.
A request is for this skill only if every id it states is this skill's and it states
at least the context's. The SDK compares the context's id alone; every host here
checks both (``skill.builder`` on Lambda, ``skill.hosts.verification`` on the web).
"""

from __future__ import annotations

from typing import Any


def application_ids(envelope: Any) -> list[str | None]:
    """The application ids the envelope states (context, and session if any)."""
    ids = []
    system = getattr(getattr(envelope, "context", None), "system", None)
    ids.append(getattr(getattr(system, "application", None), "application_id", None))
    session = getattr(envelope, "session", None)
    if session is not None:
        ids.append(getattr(getattr(session, "application", None), "application_id", None))
    return ids


def is_for(envelope: Any, skill_id: str) -> bool:
    """Whether every application id in ``envelope`` is ``skill_id`` (none missing)."""
    return all(found == skill_id for found in application_ids(envelope))
