"""Render the skill's screens in a real browser: ``python -m skill.devtools.screens``.

A short conversation on an Echo Show (the welcome, "what can help with bone pain", a
touch on its first button, the nurse number) and the four safety answers (crisis,
overdose, emergency, urgent help), each in a session of its own, run through the real
handler; each RenderDocument directive the skill sends is drawn by Amazon's APL viewhost
for the web in Chromium (``screens/render.mjs``) at two screen sizes. Screenshots, the
text read back from each rendered page and, where a screen shows a number in its frame,
that number as the browser laid it out (its font size beside the largest other text, its
box beside the screen's) go to ``build/screens/``. ``make screens-deps`` installs the
browser and the renderer; ``make screens`` runs this.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skill import builder
from skill.devtools.envelopes import ECHO_SHOW_8, Session, slot_json

ROOT = Path(__file__).resolve().parents[2]
RENDERER = ROOT / "screens"
OUT = ROOT / "build" / "screens"
#: A Monday at 11:00 UK time: the nurse line is open.
MOMENT = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
#: The screens drawn, as the viewhost takes them: pixels, dpi, shape, mode.
VIEWPORTS: dict[str, dict[str, Any]] = {
    "show8": {"width": 1280, "height": 800, "dpi": 160, "shape": "RECTANGLE", "mode": "HUB"},
    "show5": {"width": 960, "height": 480, "dpi": 160, "shape": "RECTANGLE", "mode": "HUB"},
}
HOW_TO_GET_IT = (
    "The screens are rendered in Debian's Chromium with Amazon's APL viewhost for the web. "
    "To get them: `make screens-deps` (as root it installs Chromium with apt-get; otherwise "
    "run `sudo apt-get install chromium` first, or set CHROMIUM to a Chromium or Chrome "
    "binary), which also runs `npm ci` in screens/ (Node.js 20 or newer)."
)


class RendererUnavailable(RuntimeError):
    """The browser, Node.js or the renderer's packages are missing."""


@dataclass(frozen=True)
class Measured:
    """The number in a screen's frame, as the browser laid it out, in CSS pixels."""

    number: str
    #: How many laid-out pieces of text say exactly the number: 1 when it is on one line.
    pieces: int
    font_size: float
    #: The largest font size of any other text on the page.
    largest_other: float
    left: float
    top: float
    right: float
    bottom: float
    #: The highest top of any text outside the number's frame: the number comes first
    #: when its own top is above it.
    first_other_top: float
    #: The number sits inside a frame with a visible border.
    framed: bool


@dataclass(frozen=True)
class Rendered:
    name: str
    png: Path
    #: The text of the rendered page, as the browser laid it out.
    text: str
    #: What the first button's SendEvent sent when it was clicked, if one was.
    touched: list[Any] | None
    problems: list[str]
    #: The screen's size in CSS pixels (width, height).
    size: tuple[int, int] = (0, 0)
    #: The number in the frame, measured; None when the screen shows none.
    measured: Measured | None = None


def browser_path() -> str:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def missing() -> list[str]:
    """What rendering needs and this machine lacks; empty when all is there."""
    gaps = []
    if not Path(browser_path()).exists():
        gaps.append(f"no browser at {browser_path()}")
    if shutil.which("node") is None:
        gaps.append("no Node.js (node)")
    for package in ("apl-viewhost-web", "playwright-core"):
        if not (RENDERER / "node_modules" / package / "package.json").exists():
            gaps.append(f"no {package} in screens/node_modules")
    return gaps


def conversation() -> list[tuple[str, dict[str, Any], str | None]]:
    """(name, directive, label of the button to touch) for each screen of a short
    conversation on an Echo Show, through the real handler at a fixed moment."""
    handler = builder.lambda_handler(clock=lambda: MOMENT, rng=random.Random(7))
    session = Session(viewport=ECHO_SHOW_8)
    scenes: list[tuple[str, dict[str, Any], str | None]] = []

    def turn(name: str, envelope: dict[str, Any], touch: Callable[[dict[str, Any]], str | None]) -> None:
        response = handler(envelope, None)
        session.carry(response)
        for directive in response["response"].get("directives") or []:
            if directive.get("type") == "Alexa.Presentation.APL.RenderDocument":
                scenes.append((name, directive, touch(directive)))

    def first_button(directive: dict[str, Any]) -> str | None:
        buttons = directive["datasources"]["answer"]["next"]["buttons"]
        return buttons[0]["label"] if buttons else None

    turn("welcome", session.launch(), first_button)
    bone_pain = slot_json("symptom", "bone pain", "SymptomType", "bone_pain", "bone pain")
    turn("bone-pain", session.intent("SymptomIntent", {"symptom": bone_pain}), first_button)
    answer = scenes[-1][1]["datasources"]["answer"]
    turn("touched", session.user_event(["topic", answer["next"]["buttons"][0]["topic"]]), first_button)
    turn("helpline", session.intent("HelplineIntent"), lambda _: None)
    # The safety answers, each the first turn of a session of its own.
    for name, intent in SAFETY_SCENES.items():
        session = Session(viewport=ECHO_SHOW_8)
        turn(name, session.intent(intent), lambda _: None)
    return scenes


#: The safety screens drawn: name -> the intent whose answer it is.
SAFETY_SCENES = {
    "crisis": "CrisisIntent",
    "overdose": "OverdoseIntent",
    "emergency": "EmergencyIntent",
    "urgent": "UrgentHelpIntent",
}


def framed_number(directive: dict[str, Any]) -> str | None:
    """The number a directive shows in its frame, if it shows one: what to measure."""
    number = directive["datasources"]["answer"]["number"]
    return str(number["number"]) if number["shown"] else None


def write_scenes(out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    scenes = [
        {
            "name": f"{name}-{size}",
            "viewport": viewport,
            "directive": directive,
            "touch": touch,
            "measure": framed_number(directive),
        }
        for name, directive, touch in conversation()
        for size, viewport in VIEWPORTS.items()
    ]
    path = out / "scenes.json"
    path.write_text(json.dumps(scenes, indent=1) + "\n", encoding="utf-8")
    return path


def render(out: Path = OUT) -> dict[str, Rendered]:
    """Draw every screen in the browser; raises ``RendererUnavailable`` with how to get
    what is missing."""
    gaps = missing()
    if gaps:
        raise RendererUnavailable(f"cannot render the screens: {'; '.join(gaps)}. {HOW_TO_GET_IT}")
    scenes = write_scenes(out)
    env = {**os.environ, "CHROMIUM": browser_path()}
    result = subprocess.run(
        ["node", str(RENDERER / "render.mjs"), str(scenes), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the renderer failed ({result.returncode}):\n{result.stderr[-4000:]}")
    rendered = json.loads((out / "rendered.json").read_text(encoding="utf-8"))
    return {
        item["name"]: Rendered(
            name=item["name"],
            png=Path(item["png"]),
            text=item["text"],
            touched=item["touched"],
            problems=item["problems"],
            size=(item["viewport"]["width"], item["viewport"]["height"]),
            measured=Measured(**item["measured"]) if item.get("measured") else None,
        )
        for item in rendered
    }


def main() -> int:
    try:
        rendered = render()
    except RendererUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    for item in rendered.values():
        line = f"{item.png.relative_to(ROOT)}  touched={item.touched}"
        if item.measured is not None:
            m = item.measured
            line += (
                f"  {m.number!r}: {m.font_size:g}px (next largest {m.largest_other:g}px), "
                f"box {m.left:g},{m.top:g} to {m.right:g},{m.bottom:g} of {item.size[0]}x{item.size[1]}"
            )
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
