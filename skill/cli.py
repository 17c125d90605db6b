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

    def __init__(self, at: str | None = None, resolver: str = "ngram") -> None:
        from skill.builder import lambda_handler
        from skill.devtools.envelopes import Session

        self.handler = lambda_handler(clock=_clock(at))
        self.resolver = _resolver(resolver)
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


#: The stand-ins for Alexa's understanding, by the name the command line gives them.
RESOLVERS = {
    "ngram": "the n-gram resolver (skill/devtools/generalising.py: word and character n-grams)",
    "meaning": "the meaning resolver (skill/devtools/meaning.py: sentence embeddings)",
    "exact": "the exact resolver (skill/devtools/nlu.py: samples word for word)",
}


def _resolver(kind: str) -> UtteranceResolver:
    """The n-gram resolver (the default), the meaning one, or the exact word-for-word one."""
    if kind == "exact":
        from skill.devtools.nlu import resolver

        return resolver()
    if kind == "meaning":
        from skill.devtools.meaning import meaning_resolver

        return meaning_resolver()
    from skill.devtools.generalising import generalising_resolver

    return generalising_resolver()


def _chosen(args: argparse.Namespace) -> str:
    """Which resolver ``ask`` and ``chat`` use: ``--exact``, ``--meaning``, or the n-gram one."""
    return "exact" if args.exact else "meaning" if args.meaning else "ngram"


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
    typist = Typist(args.at, resolver=_chosen(args))
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
    typist = Typist(args.at, resolver=_chosen(args))
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
    """Every set (or the one named) under each resolver asked for, then whole conversations;
    the floors must hold under every resolver that ``evaluation.HELD`` names."""
    import time
    from pathlib import Path

    from skill.devtools import conversations, evaluation
    from skill.devtools.nlu import load_model

    if args.phrasings:
        sets = [evaluation.set_for(Path(args.phrasings), evaluation.SETS)]
    else:
        sets = evaluation.present(evaluation.SETS)
        for missing in evaluation.absent(evaluation.SETS):
            print(f"note: {missing.name} is not there yet; evaluating without it", file=out)
    phrasings = [phrasing for each in sets for phrasing in evaluation.read_set(each)]
    if args.export_annotations:
        evaluation.write_annotation_set(Path(args.export_annotations), phrasings, load_model())
        print(f"wrote {len(phrasings)} annotations to {args.export_annotations}", file=out)
        return 0
    kinds = ["exact"] if args.exact else ["ngram", "meaning"] if args.resolver == "both" else [args.resolver]
    sessions = [] if args.phrasings else conversations.read_sessions()
    muddle = [] if args.phrasings else conversations.read_sessions(conversations.MUDDLE_SESSIONS)
    farewell_words = evaluation.farewell_words(load_model())
    verdicts: dict[str, evaluation.Verdict] = {}
    for kind in kinds:
        print(f"\n===== {RESOLVERS[kind]} =====\n", file=out, flush=True)
        started = time.perf_counter()
        resolver = _resolver(kind)
        ready = time.perf_counter()
        outcomes = evaluation.evaluate(resolver, phrasings)
        evaluation.report(outcomes, out, sets)
        problems = evaluation.failures(outcomes)
        farewells = evaluation.farewell_lines(outcomes, farewell_words)
        wrong = [outcome for outcome in farewells if not outcome.right]
        print(
            f"\nsafety lines with a goodbye, stop or cancel word: {len(farewells) - len(wrong)}"
            f"/{len(farewells)} reach their safety answer",
            file=out,
        )
        problems += [
            f"a safety line with a farewell word went to {o.got_intent} ({o.phrasing.where})" for o in wrong
        ]
        played = conversations.evaluate(resolver, sessions) if sessions else []
        if sessions:  # the whole evaluation: whole conversations too
            print("", file=out)
            conversations.report(played, out)
            problems += conversations.failures(played)
        muddled = conversations.evaluate(resolver, muddle) if muddle else []
        muddle_problems = []
        if muddle:
            print("", file=out)
            conversations.report(muddled, out, "muddle sessions")
            muddle_problems = [f"muddle: {p}" for p in conversations.failures(muddled, "muddle sessions")]
        done = time.perf_counter()
        print(f"\n({kind}: ready in {ready - started:.1f} s, evaluated in {done - ready:.1f} s)", file=out)
        verdicts[kind] = evaluation.Verdict(outcomes, played, problems, muddled, muddle_problems)
    evaluation.summary(verdicts, sets, out)
    for kind, verdict in verdicts.items():
        for problem in verdict.failed(kind):
            print(f"evaluate failed [{kind}]: {problem}", file=out)
        for problem in verdict.below(kind):
            print(f"below its floors, not yet held [{kind}]: {problem}", file=out)
    return 1 if any(verdict.failed(kind) for kind, verdict in verdicts.items()) else 0


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
    _resolver_options(ask)

    chat = commands.add_parser("chat", help="a typed conversation, turn by turn")
    chat.add_argument("--cards", action="store_true", help="print the cards too")
    chat.add_argument("--verbose", action="store_true", help="print the intent each line resolved to")
    chat.add_argument("--at", help="pretend it is this time (ISO 8601 with zone)")
    _resolver_options(chat)

    check = commands.add_parser("check", help="check the model, manifest and content against each other")
    check.add_argument("--map", action="store_true", help="print intent -> handler -> topic instead")

    diff = commands.add_parser("source-diff", help="which answers rest on text a new copy of the page lacks")
    diff.add_argument("page", help="the new page as plain text, like skill/knowledge/source-page.txt")

    from skill.devtools.evaluation import SETS

    evaluate = commands.add_parser(
        "evaluate", help="how well the model understands the evaluation sets, under each resolver"
    )
    evaluate.add_argument(
        "--phrasings",
        help=f"one set (TSV) instead of all: {', '.join(each.name for each in SETS)}",
    )
    evaluate.add_argument(
        "--resolver",
        choices=("ngram", "meaning", "both"),
        default="both",
        help="the n-gram resolver, the meaning (sentence embedding) one, or both (the default)",
    )
    evaluate.add_argument("--exact", action="store_true", help="use the word-for-word matcher instead")
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


def _resolver_options(command: argparse.ArgumentParser) -> None:
    which = command.add_mutually_exclusive_group()
    which.add_argument("--exact", action="store_true", help="match samples word for word, as before")
    which.add_argument(
        "--meaning", action="store_true", help="resolve by meaning (sentence embeddings) instead of n-grams"
    )


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
