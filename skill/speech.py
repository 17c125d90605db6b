"""SSML: the one place that turns our sentences into what Alexa speaks.

All text goes through ``escape`` here, so ``&``, ``<``, ``>`` and quotes in content can
never break the markup. ``validate`` is the rulebook that ``python -m skill check`` and
the tests apply to everything the skill can say.
"""

from __future__ import annotations

import re

#: Speaking rates a user can choose ("speak slower", "speak normally").
RATES: dict[str, str | None] = {"normal": None, "slow": "80%"}
#: The helpline number is read a little slower than the speech around it.
NUMBER_RATE = "85%"

MAX_BREAK_MS = 10_000
MIN_RATE_PERCENT = 20
_ALLOWED_TAGS = {"speak", "break", "prosody", "say-as", "p", "s"}
_DIGIT_RUN = re.compile(r"(?<![\w.])(\d{3,})(?!\w|\.\d)")
#: The ampersand first, so that the other replacements are not escaped again.
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"))


def _digits(digits: str) -> str:
    return f'<say-as interpret-as="digits">{digits}</say-as>'


def escape(text: str) -> str:
    """Text made safe to put inside SSML. (A replace per character that occurs: several
    times faster than a per-character translation, and most sentences need none.)"""
    for char, entity in _ESCAPES:
        if char in text:
            text = text.replace(char, entity)
    return text


class Speech:
    """Speech under construction: sentences, pauses and digit groups."""

    __slots__ = ("_parts",)

    def __init__(self, parts: list[str] | None = None) -> None:
        self._parts = parts if parts is not None else []

    def __repr__(self) -> str:
        return f"Speech({self._parts!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Speech) and other._parts == self._parts

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def say(self, *sentences: str) -> Speech:
        """Sentences, escaped. A run of three or more digits is read digit by digit:
        in this skill such numbers are phone numbers (999, NHS 111), never amounts,
        and "nine hundred and ninety-nine" would be wrong in an emergency."""
        for sentence in sentences:
            if sentence:
                pieces = _DIGIT_RUN.split(sentence)
                self._parts.append(
                    "".join(
                        _digits(piece) if index % 2 else escape(piece) for index, piece in enumerate(pieces)
                    )
                )
        return self

    @classmethod
    def from_body(cls, body: str) -> Speech:
        """Speech whose markup this module built earlier (``body()``), kept in the session
        so that it can be said again at another rate. Callers validate the result."""
        return cls([body]) if body else cls()

    def pause(self, milliseconds: int) -> Speech:
        milliseconds = max(0, min(milliseconds, MAX_BREAK_MS))
        self._parts.append(f'<break time="{milliseconds}ms"/>')
        return self

    def digits(self, digits: str) -> Speech:
        """Digits read one by one: phone numbers are read that way, not as amounts."""
        if not digits.isdigit():
            raise ValueError("digits() takes digits only")
        self._parts.append(_digits(digits))
        return self

    def phone_number(self, groups: tuple[str, ...], *, slowly: bool) -> Speech:
        """A number read group by group, with short pauses, as people write it down."""
        inner = Speech()
        for index, group in enumerate(groups):
            if index:
                inner.pause(400)
            inner.digits(group)
        body = inner.body()
        self._parts.append(f'<prosody rate="{NUMBER_RATE}">{body}</prosody>' if slowly else body)
        return self

    def extend(self, other: Speech) -> Speech:
        self._parts.extend(other._parts)
        return self

    def body(self) -> str:
        return " ".join(self._parts)

    def ssml(self, rate: str = "normal") -> str:
        """The finished ``<speak>`` document, at one of ``RATES``."""
        body = self.body()
        percent = RATES.get(rate)
        if percent:
            body = f'<prosody rate="{percent}">{body}</prosody>'
        return f"<speak>{body}</speak>"

    @property
    def is_empty(self) -> bool:
        return not self._parts


def _milliseconds(value: str) -> float | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s)", value)
    if not match:
        return None
    number = float(match.group(1))
    return number if match.group(2) == "ms" else number * 1000


def validate(ssml: str) -> list[str]:
    """Problems with an SSML document, by the rules Alexa applies; empty when good."""
    import xml.etree.ElementTree as ET  # only to check: answering needs no XML parser

    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    problems = []
    if root.tag != "speak":
        problems.append(f"root element is <{root.tag}>, not <speak>")
    for element in root.iter():
        if element.tag not in _ALLOWED_TAGS:
            problems.append(f"unexpected element <{element.tag}>")
        if element.tag == "break":
            length = _milliseconds(element.get("time", ""))
            if length is None or length > MAX_BREAK_MS:
                problems.append(f"break time {element.get('time')!r} is not 0 to 10 seconds")
        if element.tag == "prosody":
            rate = element.get("rate", "")
            match = re.fullmatch(r"(\d+)%", rate)
            if not match or int(match.group(1)) < MIN_RATE_PERCENT:
                problems.append(f"prosody rate {rate!r} is not a percentage of at least 20%")
        digits = element.tag == "say-as" and element.get("interpret-as") == "digits"
        if digits and not (element.text or "").isdigit():
            problems.append(f"say-as digits holds {element.text!r}")
    return problems


def plain_text(ssml: str) -> str:
    """What the listener hears, as text: for the command line and for tests."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(ssml)
    text = " ".join(" ".join(root.itertext()).split())
    return re.sub(r" ([.,?!:;])", r"\1", text)
