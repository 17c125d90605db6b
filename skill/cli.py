"""The command line: ``python -m skill ask|chat|check|source-diff|evaluate|serve``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from skill.speech import plain_text

if TYPE_CHECKING:
    from skill.devtools.nlu import Resolution, UtteranceResolver

log = logging.getLogger("skill")


def _clock(at: str | None) -> Callable[[], datetime]:
    if not at:
        return lambda: datetime.now(UTC)
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise SystemExit("--at needs a time zone, e.g. 2026-03-30T09:30+01:00")
    return lambda: moment


class Typist:
    """Types at the skill as Alexa would send it: utterance, resolution, envelope, handler."""

    def __init__(self, at: str | None = None, exact: bool = False) -> None:
        from skill.builder import lambda_handler
        from skill.devtools.envelopes import Session

        self.handler = lambda_handler(clock=_clock(at))
        self.resolver = _resolver(exact)
        self.session = Session()

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        response = self.handler(envelope, None)
        self.session.carry(response)
        return response

    def launch(self) -> dict[str, Any]:
        return self.send(self.session.launch())

    def say(self, utterance: str) -> tuple[Resolution, dict[str, Any]]:
        resolution = self.resolver.resolve(utterance)
        envelope = self.session.resolved(resolution, self.resolver.intent_slots[resolution.intent])
        return resolution, self.send(envelope)


def _resolver(exact: bool) -> UtteranceResolver:
    """The exact word-for-word matcher, or the generalising one (the default)."""
    if exact:
        from skill.devtools.nlu import resolver

        return resolver()
    from skill.devtools.generalising import generalising_resolver

    return generalising_resolver()


def understood(resolution: Resolution) -> str:
    """'(SymptomIntent symptom=bone_pain 0.93)': what the utterance resolved to."""
    slots = " ".join(
        f"{name}={value.value_id or 'NO_MATCH:' + repr(value.spoken)}"
        for name, value in resolution.slots.items()
    )
    return f"({' '.join(part for part in (resolution.intent, slots) if part)} {resolution.confidence:.2f})"


def spoken(response: dict[str, Any]) -> str:
    ssml = response.get("response", {}).get("outputSpeech", {}).get("ssml")
    return plain_text(ssml) if ssml else "(nothing)"


def card_lines(response: dict[str, Any]) -> list[str]:
    card = response.get("response", {}).get("card")
    if not card:
        return []
    return [
        f"  [card] {card.get('title')}",
        *(f"         {line}" for line in card.get("text", "").splitlines()),
    ]


def directive_lines(response: dict[str, Any]) -> list[str]:
    """Directives Alexa acts on itself: the voice permission request for reminders (Alexa
    asks the user, then sends the skill a Connections.Response; not played here)."""
    lines = []
    for directive in response.get("response", {}).get("directives") or []:
        kind, name = directive.get("type"), directive.get("name")
        if kind == "Connections.SendRequest" and name == "AskFor":
            lines.append("  [Alexa asks the user, by voice, to allow the skill's reminders]")
        else:
            lines.append(f"  [directive] {kind}")
    return lines


def command_ask(args: argparse.Namespace, out: TextIO) -> int:
    typist = Typist(args.at, exact=args.exact)
    if args.utterance.strip():
        resolution, response = typist.say(args.utterance)
        heard = understood(resolution)
    else:
        heard, response = "(LaunchRequest)", typist.launch()
    if args.json:
        print(json.dumps(response, indent=2), file=out)
        return 0
    print(heard, file=out)
    print(f"Alexa: {spoken(response)}", file=out)
    for directive in directive_lines(response):
        print(directive, file=out)
    if args.cards:
        print("\n".join(card_lines(response)), file=out)
    return 0


def command_chat(args: argparse.Namespace, out: TextIO, lines: TextIO) -> int:
    typist = Typist(args.at, exact=args.exact)
    print("Type what you would say to Alexa. An empty line or Ctrl-D ends.\n", file=out)
    print(f"Alexa: {spoken(typist.launch())}", file=out)
    while not typist.session.ended:
        print("You: ", end="", file=out, flush=True)
        line = lines.readline()
        if not line.strip():
            typist.send(typist.session.session_ended())
            print("", file=out)
            break
        resolution, response = typist.say(line.strip())
        if args.verbose:
            print(f"  {understood(resolution)}", file=out)
        print(f"Alexa: {spoken(response)}", file=out)
        for directive in directive_lines(response):
            print(directive, file=out)
        if args.cards:
            print("\n".join(card_lines(response)), file=out)
    return 0


def command_check(args: argparse.Namespace, out: TextIO) -> int:
    from skill.devtools import check

    if args.map:
        print("\n".join(check.routing_map()), file=out)
        return 0
    problems = check.run()
    for problem in problems:
        print(problem, file=out)
    if problems:
        print(f"check failed: {len(problems)} problem(s)", file=out)
        return 1
    print("check passed: model, manifest, content, provenance and dialogue", file=out)
    for note in check.notes():
        print(f"note: {note}", file=out)
    print(check.model_size_line(), file=out)
    print(check.provenance_line(), file=out)
    # Not problems: a development skill deploys and works without them.
    to_do = check.owner_to_do()
    if to_do:
        print("only the skill's owner can supply these, needed before certification:", file=out)
        for line in to_do:
            print(f"  {line}", file=out)
    return 0


def command_source_diff(args: argparse.Namespace, out: TextIO) -> int:
    from skill.devtools import provenance

    return provenance.source_diff(args.page, out, sys.stderr)


def command_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from skill.devtools import evaluation
    from skill.devtools.nlu import load_model

    phrasings = evaluation.read_phrasings(Path(args.phrasings)) if args.phrasings else evaluation.read_all()
    if args.export_annotations:
        evaluation.write_annotation_set(Path(args.export_annotations), phrasings, load_model())
        print(f"wrote {len(phrasings)} annotations to {args.export_annotations}", file=out)
        return 0
    resolver = _resolver(args.exact)
    outcomes = evaluation.evaluate(resolver, phrasings)
    evaluation.report(outcomes, out)
    problems = evaluation.failures(outcomes)
    if not args.phrasings:  # the whole evaluation: whole conversations too
        from skill.devtools import conversations

        played = conversations.evaluate(resolver, conversations.read_sessions())
        print("", file=out)
        conversations.report(played, out)
        problems += conversations.failures(played)
    for problem in problems:
        print(f"evaluate failed: {problem}", file=out)
    return 1 if problems else 0


def command_replay(args: argparse.Namespace, out: TextIO) -> int:
    from skill.devtools import replay

    return replay.main(args.file, args.at, args.trace, out, sys.stderr)


def command_serve(args: argparse.Namespace, out: TextIO) -> int:
    from skill.hosts import server

    return server.main(args)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m skill", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    ask = commands.add_parser("ask", help="say one thing to the skill, as a new session")
    ask.add_argument("utterance", help='what you would say after "Alexa, ask ..." ("" opens the skill)')
    ask.add_argument("--json", action="store_true", help="print the whole response Alexa would receive")
    ask.add_argument("--cards", action="store_true", help="print the card too")
    ask.add_argument("--at", help="pretend it is this time (ISO 8601 with zone)")
    ask.add_argument("--exact", action="store_true", help="match samples word for word, as before")

    chat = commands.add_parser("chat", help="a typed conversation, turn by turn")
    chat.add_argument("--cards", action="store_true", help="print the cards too")
    chat.add_argument("--verbose", action="store_true", help="print the intent each line resolved to")
    chat.add_argument("--at", help="pretend it is this time (ISO 8601 with zone)")
    chat.add_argument("--exact", action="store_true", help="match samples word for word, as before")

    check = commands.add_parser("check", help="check the model, manifest and content against each other")
    check.add_argument("--map", action="store_true", help="print intent -> handler -> topic instead")

    diff = commands.add_parser("source-diff", help="which answers rest on text a new copy of the page lacks")
    diff.add_argument("page", help="the new page as plain text, like skill/knowledge/source-page.txt")

    from skill.devtools.evaluation import FOLLOW_UPS, NEAR_MISSES, PHRASINGS

    evaluate = commands.add_parser("evaluate", help="how well the model understands the evaluation set")
    evaluate.add_argument(
        "--phrasings",
        help=f"one set (TSV) instead of all: {PHRASINGS.name}, {FOLLOW_UPS.name}, {NEAR_MISSES.name}",
    )
    evaluate.add_argument("--exact", action="store_true", help="use the word-for-word matcher")
    evaluate.add_argument(
        "--export-annotations", metavar="PATH", help="write it as an Alexa NLU annotation set"
    )

    replay = commands.add_parser("replay", help="play a recorded request envelope (JSON) and print the reply")
    replay.add_argument("file", help="the request envelope, as Alexa sent it")
    replay.add_argument("--trace", action="store_true", help="say which handler answered and why")
    replay.add_argument("--at", help="pretend it is this time (default: the request's own timestamp)")

    from skill.hosts import server

    server.add_arguments(commands.add_parser("serve", help="serve the skill over HTTP"))
    return top


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, lines: TextIO = sys.stdin) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    if args.command == "ask":
        return command_ask(args, out)
    if args.command == "chat":
        return command_chat(args, out, lines)
    if args.command == "check":
        return command_check(args, out)
    if args.command == "source-diff":
        return command_source_diff(args, out)
    if args.command == "evaluate":
        return command_evaluate(args, out)
    if args.command == "replay":
        return command_replay(args, out)
    return command_serve(args, out)
