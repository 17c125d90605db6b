"""The screens drawn in a real browser: Amazon's APL viewhost for the web (1.4.0) in
Chromium, at the sizes of an Echo Show 8 (1280 x 800) and an Echo Show 5 (960 x 480). The
answer's words and the nurse line's number must be on the rendered page, and touching a
button must send its topic. The number in a screen's frame is measured as the browser laid
it out (docs/behaviour.md §8): on a crisis, overdose or emergency screen its own number
(116 123, 999) comes first, in the frame, and is the biggest text on it; on every screen
with the nurse number, the Echo Show 5 included, the whole number is on the screen without
scrolling, and the biggest text there. Screenshots: build/screens/*.png.

Needs `make screens-deps` (run by `make test`); without the browser this test fails and
says how to get it, rather than skipping quietly.
"""

from __future__ import annotations

import re

import pytest

from skill import dialogue, knowledge
from skill.devtools import screens

KNOWN = knowledge.load()
WORDS = dialogue.load()
NUMBER = KNOWN.helpline.display
#: The safety screens whose own number is the biggest thing on them, and that number.
SAFETY_NUMBERS = {
    "crisis": KNOWN.services["samaritans"].display,
    "overdose": KNOWN.services["emergency"].display,
    "emergency": KNOWN.services["emergency"].display,
}
#: The screens of the conversation that show the nurse number.
NURSE_NUMBER_SCREENS = ("bone-pain", "touched", "helpline")


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


def assert_whole_and_in_view(page: screens.Rendered) -> screens.Measured:
    """The number in the frame is on one line, inside the screen, unscrolled."""
    measured = page.measured
    assert measured is not None, f"{page.name}: no number in a frame"
    width, height = page.size
    assert measured.pieces == 1, f"{page.name}: {measured.number!r} is broken over lines"
    assert measured.left >= 0 and measured.right <= width, (page.name, measured)
    assert measured.top >= 0 and measured.bottom <= height, (page.name, measured)
    return measured


@pytest.mark.parametrize("size", list(screens.VIEWPORTS))
@pytest.mark.parametrize("screen", list(SAFETY_NUMBERS))
def test_a_safety_screen_shows_its_own_number_first_biggest_and_in_the_frame(rendered, screen, size) -> None:
    page = rendered[f"{screen}-{size}"]
    measured = assert_whole_and_in_view(page)
    assert measured.number == SAFETY_NUMBERS[screen]
    assert measured.framed
    assert measured.font_size >= 2 * measured.largest_other, measured  # by far the biggest
    assert measured.bottom <= measured.first_other_top, "nothing outside the frame comes before it"
    assert page.problems == []


@pytest.mark.parametrize("size", list(screens.VIEWPORTS))
@pytest.mark.parametrize("screen", NURSE_NUMBER_SCREENS)
def test_every_answer_screen_shows_the_whole_nurse_number_without_scrolling(rendered, screen, size) -> None:
    page = rendered[f"{screen}-{size}"]
    measured = assert_whole_and_in_view(page)
    assert measured.number == NUMBER
    assert measured.framed
    assert measured.font_size > measured.largest_other


@pytest.mark.parametrize("size", list(screens.VIEWPORTS))
@pytest.mark.parametrize("screen", [*SAFETY_NUMBERS, "urgent"])
def test_no_safety_screen_carries_the_page_credit(rendered, screen, size) -> None:
    text = flat(rendered[f"{screen}-{size}"].text)
    assert KNOWN.source.card_line not in text
    assert KNOWN.source.page_title not in text


def test_the_emergency_screen_says_what_the_voice_says(rendered) -> None:
    for size in screens.VIEWPORTS:
        text = flat(rendered[f"emergency-{size}"].text)
        assert flat(WORDS.say("emergency_now")) in text
        assert "111" not in text and "urgent help" not in text.lower()


def test_the_urgent_screen_puts_the_hospital_team_first_then_999_then_111(rendered) -> None:
    for size in screens.VIEWPORTS:
        text = flat(rendered[f"urgent-{size}"].text)
        assert text.index("hospital team") < text.index("999") < text.index("NHS 111")
