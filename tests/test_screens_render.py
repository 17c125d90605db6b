"""The screens drawn in a real browser: Amazon's APL viewhost for the web (1.4.0) in
Chromium, at the sizes of an Echo Show 8 and an Echo Show 5. The answer's words and the
nurse line's number must be on the rendered page, and touching a button must send its
topic. Screenshots: build/screens/*.png.

Needs `make screens-deps` (run by `make test`); without the browser this test fails and
says how to get it, rather than skipping quietly.
"""

from __future__ import annotations

import re

import pytest

from skill import knowledge
from skill.devtools import screens

KNOWN = knowledge.load()
NUMBER = KNOWN.helpline.display


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def rendered() -> dict[str, screens.Rendered]:
    try:
        return screens.render()
    except screens.RendererUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.mark.parametrize("size", list(screens.VIEWPORTS))
def test_answer_text_and_number_are_on_the_rendered_page(rendered, size) -> None:
    page = rendered[f"bone-pain-{size}"]
    bone_pain = KNOWN.topics["bone_pain"]
    text = flat(page.text)
    assert flat(bone_pain.card.split("\n")[0]) in text
    assert bone_pain.title in text
    assert NUMBER in text
    assert KNOWN.source.card_line in text
    for topic_id in bone_pain.next:
        assert KNOWN.topics[topic_id].title in text
    assert page.problems == []
    assert page.png.exists() and page.png.stat().st_size > 5_000


@pytest.mark.parametrize("size", list(screens.VIEWPORTS))
def test_touching_the_first_button_sends_its_topic(rendered, size) -> None:
    first = KNOWN.topics["bone_pain"].next[0]
    assert rendered[f"bone-pain-{size}"].touched == ["topic", first]
    following = KNOWN.topics[first]
    assert flat(following.card.split("\n")[0]) in flat(rendered[f"touched-{size}"].text)


def test_helpline_screen_shows_the_number(rendered) -> None:
    for size in screens.VIEWPORTS:
        page = rendered[f"helpline-{size}"]
        assert NUMBER in page.text
        assert KNOWN.helpline.hours_text in flat(page.text)


def test_welcome_screen_offers_topics_to_start_with(rendered) -> None:
    text = flat(rendered["welcome-show8"].text)
    for topic_id in KNOWN.starters:
        assert KNOWN.topics[topic_id].title in text
    assert rendered["welcome-show8"].touched == ["topic", KNOWN.starters[0]]
