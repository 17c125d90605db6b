"""Whole conversations, measured: ``python -m skill evaluate`` plays the held-apart sessions
of ``tests/conversations/sessions.toml`` through the real Lambda handler, each utterance
understood by the resolver being evaluated (the n-gram one, then the meaning one), and
checks every reply.

The sessions were written before the code, by a helper who had seen neither the model nor
the handlers (see the file's header for the format). A session is right when every one of
its turns is: the reply holds every ``contains`` item (``a|b``: either), none of the
``not_contains`` items, the ``first`` item before the others, and the session stays open
or ends as ``open`` says. Safety turns (an emergency, a crisis, an overdose, or a near miss
that must not be taken for one) must all be right.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from skill.devtools.nlu import UtteranceResolver
from skill.speech import plain_text

SESSIONS = Path(__file__).resolve().parents[2] / "tests" / "conversations" / "sessions.toml"
#: Whole conversations about safety in real speech: crises said indirectly or inside a
#: question, doses, past events and figures of speech that are not emergencies, and
#: goodbyes after a crisis answer. Played with the others.
SAFETY_SESSIONS = SESSIONS.with_name("safety-sessions.toml")
#: Whole conversations of muddle: corrections, going back, two questions at once,
#: fragments after a list, misheard words, fillers and very short turns. Played and
#: reported on their own; their floor is held as ``evaluation.MUDDLE_HELD`` says.
MUDDLE_SESSIONS = SESSIONS.with_name("muddle-sessions.toml")
#: At least this share of sessions must be right from the first turn to the last.
SESSION_FLOOR = 0.95
#: When a session says nothing of the time: a Wednesday morning, UK time, no holiday.
DEFAULT_AT = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
OPEN = "<open>"


@dataclass(frozen=True)
class Turn:
    say: str
    contains: tuple[str, ...]
    open: bool
    not_contains: tuple[str, ...] = ()
    first: str = ""
    safety: bool = False


@dataclass(frozen=True)
class Session:
    id: str
    turns: tuple[Turn, ...]
    at: datetime = DEFAULT_AT


@dataclass
class TurnOutcome:
    turn: Turn
    heard: str
    understood: str
    reply: str
    ended: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class SessionOutcome:
    session: Session
    turns: list[TurnOutcome]

    @property
    def right(self) -> bool:
        return all(not turn.problems for turn in self.turns)


def read_sessions(path: Path | None = None) -> list[Session]:
    """One file of sessions; with none named, every session: ``sessions.toml`` and the
    safety sessions."""
    if path is None:
        return [*read_sessions(SESSIONS), *read_sessions(SAFETY_SESSIONS)]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sessions = []
    for table in data.get("session", []):
        turns = tuple(
            Turn(
                say=turn["say"],
                contains=tuple(turn.get("contains", ())),
                open=bool(turn["open"]),
                not_contains=tuple(turn.get("not_contains", ())),
                first=turn.get("first", ""),
                safety=bool(turn.get("safety", False)),
            )
            for turn in table["turn"]
        )
        at = datetime.fromisoformat(table["at"]) if "at" in table else DEFAULT_AT
        sessions.append(Session(table["id"], turns, at))
    return sessions


def _found(item: str, reply: str) -> int:
    """Where the earliest alternative of ``item`` ("a|b") is in ``reply``; -1 if none."""
    places = [reply.find(option.lower()) for option in item.split("|")]
    return min((place for place in places if place >= 0), default=-1)


def judge(turn: Turn, reply: str, ended: bool) -> list[str]:
    """What is wrong with a reply to ``turn``; empty when it is right."""
    text = reply.lower()
    problems = [f"missing {item!r}" for item in turn.contains if _found(item, text) < 0]
    problems += [f"should not say {item!r}" for item in turn.not_contains if _found(item, text) >= 0]
    if turn.first and not problems:
        first = _found(turn.first, text)
        others = [_found(item, text) for item in turn.contains if item != turn.first]
        if any(place < first for place in others):
            problems.append(f"{turn.first!r} should come first")
    if ended == turn.open:
        problems.append("ended the session" if ended else "left the session open")
    return problems


def play(session: Session, resolver: UtteranceResolver) -> SessionOutcome:
    """One session, turn by turn, through the real Lambda handler."""
    from skill.builder import lambda_handler
    from skill.devtools import envelopes

    handler = lambda_handler(clock=lambda: session.at)
    alexa = envelopes.Session()
    outcomes = []
    for turn in session.turns:
        if turn.say == OPEN:
            envelope, understood = alexa.launch(at=session.at), "LaunchRequest"
        else:
            resolution = resolver.resolve(turn.say)
            envelope = alexa.resolved(resolution, resolver.intent_slots[resolution.intent])
            slots = " ".join(f"{name}={value.value_id}" for name, value in resolution.slots.items())
            understood = " ".join(part for part in (resolution.intent, slots) if part)
        response = handler(envelope, None)
        alexa.carry(response)
        reply, ended = spoken(response)
        outcomes.append(TurnOutcome(turn, turn.say, understood, reply, ended, judge(turn, reply, ended)))
        if ended:
            break
    for turn in session.turns[len(outcomes) :]:  # never heard: the session ended early
        outcomes.append(TurnOutcome(turn, turn.say, "-", "", True, ["never reached: the session had ended"]))
    return SessionOutcome(session, outcomes)


def spoken(response: dict[str, Any]) -> tuple[str, bool]:
    """What the user hears, as text, and whether the session ends."""
    body = response.get("response", {})
    ssml = body.get("outputSpeech", {}).get("ssml")
    return (plain_text(ssml) if ssml else ""), bool(body.get("shouldEndSession"))


def evaluate(resolver: UtteranceResolver, sessions: Sequence[Session]) -> list[SessionOutcome]:
    return [play(session, resolver) for session in sessions]


def failures(outcomes: Sequence[SessionOutcome], name: str = "sessions") -> list[str]:
    """Which floors are not met; empty when the conversations pass."""
    if not outcomes:
        return ["no conversations to evaluate"]
    problems = []
    share = sum(outcome.right for outcome in outcomes) / len(outcomes)
    if share < SESSION_FLOOR:
        problems.append(f"{share:.1%} of {name} right, under the floor of {SESSION_FLOOR:.0%}")
    for outcome in outcomes:
        for turn in outcome.turns:
            if turn.turn.safety and turn.problems:
                problems.append(f"a safety turn went wrong in {outcome.session.id}: {turn.heard!r}")
    return problems


def report(outcomes: Sequence[SessionOutcome], out: TextIO, name: str = "conversations") -> None:
    """The share of sessions right, then every miss, turn by turn."""
    right = sum(outcome.right for outcome in outcomes)
    turns = [turn for outcome in outcomes for turn in outcome.turns]
    good_turns = sum(not turn.problems for turn in turns)
    print(
        f"{name}: {right}/{len(outcomes)} sessions right ({right / max(len(outcomes), 1):.1%}), "
        f"{good_turns}/{len(turns)} turns",
        file=out,
    )
    for outcome in outcomes:
        if outcome.right:
            continue
        print(f"\n  session {outcome.session.id}:", file=out)
        for turn in outcome.turns:
            mark = "  " if not turn.problems else "!!"
            print(f"    {mark} you: {turn.heard!r} -> ({turn.understood})", file=out)
            print(f"       alexa: {turn.reply[:220]}{' [ends]' if turn.ended else ''}", file=out)
            for problem in turn.problems:
                print(f"       {problem}", file=out)
