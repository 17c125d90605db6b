"""Screens: what an Echo Show shows with an answer, as an APL document.

The document (``answer.json``) and the shape of its data (``answer-data.json``) are data
files beside this module, read once and checked at start-up: APL 1.4, plain components
only, no remote packages, and every ``${payload...}`` the document reads exists in the
data. ``directive`` is the one function that turns a ``Screen`` into the
``RenderDocument`` directive, and ``styled`` the one place that makes text safe for
APL's styled text. Like ``skill.speech``, this module knows nothing about the
conversation: ``Turn`` decides whether a device gets a screen and what is on it.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective


#: The token of every document this skill renders; a touch's UserEvent carries it back.
TOKEN = "answer"
#: Only what APL 1.4 already had, so that every Echo Show in use can draw it.
APL_VERSION = "1.4"
#: Plain components only: no remote ``import`` packages, no media.
COMPONENTS = frozenset({"Container", "Text", "TouchWrapper", "Frame", "ScrollView"})
#: The only command a document may run: a button tells the skill which topic was touched.
COMMANDS = frozenset({"SendEvent"})
#: What a button sends back: ``["topic", <topic id>]``.
TOPIC_EVENT = "topic"

#: Where APL components hold other components, and commands other commands.
_CHILDREN = ("item", "items", "firstItem", "lastItem")
_SUB_COMMANDS = ("commands", "then", "otherwise", "catch", "finally")
_HANDLERS = ("onPress", "onMount", "onScroll", "onFocus", "onBlur", "onDown", "onUp", "onMove", "onCancel")
_PAYLOAD = re.compile(r"\bpayload((?:\.[A-Za-z_]\w*)+)")
_STYLED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


class PresentationError(ValueError):
    """A document or its data file is missing, malformed, or uses what it may not."""


class Button(NamedTuple):
    """A topic people ask next: touching it answers as if it had been asked."""

    label: str
    topic: str


class Number(NamedTuple):
    """A phone number shown large in a frame, with what it is (``label``) and when it
    answers (``hours``); either may be empty."""

    label: str
    number: str
    hours: str = ""


class Screen(NamedTuple):
    """What one answer shows: plain text, escaped here, never markup."""

    title: str
    text: str
    #: The page credit; empty on a safety screen, whose advice is not the page's.
    source: str = ""
    number: Number | None = None
    next_heading: str = ""
    buttons: tuple[Button, ...] = ()
    #: A safety answer (crisis, overdose, emergency, urgent help): its own ``number``
    #: first and the biggest thing on the screen, its words after it, nothing else.
    safety: bool = False


class Documents(NamedTuple):
    answer: dict[str, Any]
    #: The shape of the answer document's data source, with empty values.
    answer_data: dict[str, Any]


def styled(text: str) -> str:
    """Plain text as APL styled text: ``&``, ``<`` and ``>`` escaped, line breaks kept,
    and "- " list lines shown as bullets."""
    escaped = "".join(_STYLED.get(char, char) for char in text)
    lines = [f"\u2022 {line[2:]}" if line.startswith("- ") else line for line in escaped.split("\n")]
    return "<br>".join(lines)


def datasources(screen: Screen) -> dict[str, Any]:
    """The answer document's data source for ``screen``: the shape in ``answer-data.json``
    with its values filled in."""
    data = copy.deepcopy(load().answer_data)
    answer = data["answer"]
    answer.update(
        safety=screen.safety,
        title=styled(screen.title),
        text=styled(screen.text),
        source=styled(screen.source),
    )
    if screen.number is not None:
        answer["number"].update(
            shown=True,
            label=styled(screen.number.label),
            number=styled(screen.number.number),
            hours=styled(screen.number.hours),
        )
    answer["next"].update(
        heading=styled(screen.next_heading),
        buttons=[{"label": styled(button.label), "topic": button.topic} for button in screen.buttons],
    )
    return data


def directive(screen: Screen) -> RenderDocumentDirective:
    """The one way an answer becomes a screen: a RenderDocument directive."""
    # Imported here: only devices with a screen need it, and a cold start should not.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(
        token=TOKEN, document=copy.deepcopy(load().answer), datasources=datasources(screen)
    )


# --- Checking the documents ---------------------------------------------------------


def _walk(node: Any, children: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Every object in a tree of them (components, or commands), reached through the
    keys ``children`` names."""
    if isinstance(node, list):
        for child in node:
            yield from _walk(child, children)
    elif isinstance(node, dict):
        yield node
        for key in children:
            if key in node:
                yield from _walk(node[key], children)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _has_path(data: Any, path: list[str]) -> bool:
    for part in path:
        if isinstance(data, list) and part == "length":
            return True
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def check_document(document: Any, data: Any, name: str = "document") -> list[str]:
    """Problems with an APL document and the shape of its data; empty when good."""
    if not isinstance(document, dict) or not isinstance(data, dict):
        return [f"{name}: a document and its data must be JSON objects"]
    problems = []
    if document.get("type") != "APL":
        problems.append(f"{name}: type must be 'APL'")
    if document.get("version") != APL_VERSION:
        problems.append(f"{name}: version must be {APL_VERSION!r}, not {document.get('version')!r}")
    for forbidden in ("import", "extensions", "graphics", "onMount"):
        if document.get(forbidden):
            problems.append(f"{name}: '{forbidden}' is not used here (plain components only)")
    layouts = document.get("layouts", {})
    template = document.get("mainTemplate", {})
    if template.get("parameters") != ["payload"]:
        problems.append(f"{name}: mainTemplate must take one parameter, 'payload'")
    trees = [template, *layouts.values()]
    for tree in trees:
        for component in _walk([tree.get(key) for key in ("item", "items") if key in tree], _CHILDREN):
            kind = component.get("type")
            if kind not in COMPONENTS and kind not in layouts:
                problems.append(f"{name}: component {kind!r} is not one of {sorted(COMPONENTS)}")
            for handler in _HANDLERS:
                for command in _walk(component.get(handler), _SUB_COMMANDS):
                    if command.get("type") not in COMMANDS:
                        problems.append(f"{name}: command {command.get('type')!r} is not allowed")
    for text in _strings(document):
        for match in _PAYLOAD.finditer(text):
            path = match.group(1).split(".")[1:]
            if not _has_path(data, path):
                problems.append(f"{name}: payload.{'.'.join(path)} is not in its data file")
    return problems


def _json(file_name: str) -> Any:
    # Beside this module, read with open(): importlib.resources would import zipfile,
    # tempfile and more at every cold start, for a file on disk.
    path = os.path.join(os.path.dirname(__file__), file_name)
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, json.JSONDecodeError) as error:
        raise PresentationError(f"{file_name}: {error}") from error


@cache
def load() -> Documents:
    """The documents, read from the package once per process and checked then."""
    documents = Documents(answer=_json("answer.json"), answer_data=_json("answer-data.json"))
    problems = check_document(documents.answer, documents.answer_data, "answer.json")
    if problems:
        raise PresentationError("; ".join(problems))
    return documents
