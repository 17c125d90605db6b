"""Screens in a conversation: an Echo Show sees each answer and can touch the next topic;
a speaker without a screen gets no APL at all. (The documents themselves are tested in
test_presentation.py, and drawn in a real browser in test_screens_render.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from skill import dialogue, knowledge
from skill.presentation import styled
from tests.conftest import Conversation

KNOWN = knowledge.load()
WORDS = dialogue.load()
NUMBER = KNOWN.helpline.display
BONE_PAIN_SLOTS = {
    "symptom": {
        "name": "symptom",
        "value": "bone pain",
        "confirmationStatus": "NONE",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.x.SymptomType",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "bone pain", "id": "bone_pain"}}],
                }
            ]
        },
    }
}


def apl_directives(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        directive
        for directive in raw["response"].get("directives") or []
        if directive["type"].startswith("Alexa.Presentation.APL")
    ]


def test_screen_device_answer_touch_next_topic_then_hears_and_sees_it() -> None:
    """Done when: answer, touch a button, hear and see the next topic."""
    show = Conversation(screen=True)
    show.open()
    answer = show.intent("SymptomIntent", BONE_PAIN_SLOTS)
    bone_pain = KNOWN.topics["bone_pain"]
    assert answer.speech.startswith(bone_pain.speech)
    screen = answer.screen
    assert screen is not None
    assert screen["title"] == styled(bone_pain.title)
    assert screen["text"] == styled(bone_pain.card)
    assert screen["source"] == styled(KNOWN.source.card_line)
    assert screen["number"]["shown"] is True and screen["number"]["number"] == NUMBER
    buttons = screen["next"]["buttons"]
    assert [button["topic"] for button in buttons] == list(bone_pain.next)

    touched = show.touch(["topic", buttons[0]["topic"]])
    following = KNOWN.topics[buttons[0]["topic"]]
    assert touched.speech.startswith(following.speech)
    assert not touched.ends_session
    assert touched.screen is not None
    assert touched.screen["title"] == styled(following.title)
    assert touched.screen["text"] == styled(following.card)
    assert touched.attributes["thread"] == following.id


def test_the_same_conversation_on_a_speaker_sends_no_apl() -> None:
    speaker = Conversation()
    for heard in (
        speaker.open(),
        speaker.intent("SymptomIntent", BONE_PAIN_SLOTS),
        speaker.intent("TreatmentInfoIntent"),
        speaker.intent("AMAZON.YesIntent"),
        speaker.intent("AMAZON.HelpIntent"),
    ):
        assert apl_directives(heard.raw) == []
        assert heard.screen is None


def test_a_touch_answers_exactly_as_if_the_topic_had_been_asked() -> None:
    touched = Conversation(screen=True)
    touched.open()
    asked = Conversation(screen=True)
    asked.open()
    by_touch = touched.touch(["topic", "bone_pain"])
    by_voice = asked.intent("SymptomIntent", BONE_PAIN_SLOTS)
    assert by_touch.ssml == by_voice.ssml
    assert by_touch.reprompt_ssml == by_voice.reprompt_ssml
    assert by_touch.card == by_voice.card
    assert by_touch.screen == by_voice.screen
    assert by_touch.attributes == by_voice.attributes


def test_every_answer_on_a_screen_device_has_one_document() -> None:
    show = Conversation(screen=True)
    answer = show.open(), show.intent("SymptomIntent", BONE_PAIN_SLOTS), show.intent("AMAZON.YesIntent")
    for heard in answer:
        assert len(apl_directives(heard.raw)) == 1
        (directive,) = apl_directives(heard.raw)
        assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
        assert directive["document"]["version"] == "1.4"


def test_welcome_screen_suggests_topics_to_start_with() -> None:
    screen = Conversation(screen=True).open().screen
    assert screen is not None
    assert [button["topic"] for button in screen["next"]["buttons"]] == list(KNOWN.starters)
    assert screen["next"]["heading"] == WORDS.say("screen_start")
    assert screen["number"]["shown"] is False


def test_helpline_screen_shows_the_number_large() -> None:
    show = Conversation(screen=True)
    show.open()
    screen = show.intent("HelplineIntent").screen
    assert screen is not None
    assert screen["number"]["shown"] is True
    assert screen["number"]["number"] == NUMBER
    assert screen["number"]["hours"] == KNOWN.helpline.hours_text


#: The safety answers whose own number is first and biggest on their screen: the intent,
#: the service whose number it is, and the label above the number (docs/behaviour.md §8).
SAFETY_SCREENS = [
    ("CrisisIntent", "samaritans", WORDS.say("screen_samaritans")),
    ("OverdoseIntent", "emergency", ""),
    ("EmergencyIntent", "emergency", ""),
]


@pytest.mark.parametrize(("intent", "service", "label"), SAFETY_SCREENS)
def test_a_safety_screen_shows_its_own_number_in_the_frame_and_nothing_else(
    intent: str, service: str, label: str
) -> None:
    show = Conversation(screen=True)
    show.open()
    heard = show.intent(intent)
    screen = heard.screen
    assert screen is not None
    assert screen["safety"] is True
    assert screen["number"]["shown"] is True
    assert screen["number"]["number"] == KNOWN.services[service].display
    assert screen["number"]["label"] == label
    assert screen["number"]["number"] != NUMBER  # never the nurse number over it
    assert screen["next"]["buttons"] == []
    assert screen["source"] == ""
    assert screen["text"] == styled(heard.card["text"])


@pytest.mark.parametrize("intent", ["CrisisIntent", "OverdoseIntent", "EmergencyIntent", "UrgentHelpIntent"])
def test_no_safety_card_or_screen_carries_the_page_credit(intent: str) -> None:
    """Their advice is not the page's (docs/behaviour.md §1.3)."""
    for heard in (Conversation().intent(intent), Conversation(screen=True).intent(intent)):
        assert KNOWN.source.card_line not in heard.card["text"]
        assert KNOWN.source.page_title not in heard.card["text"]
        if heard.screen is not None:
            assert heard.screen["source"] == ""


def test_the_emergency_screen_says_what_the_voice_says() -> None:
    heard = Conversation(screen=True).intent("EmergencyIntent")
    assert heard.screen is not None
    assert heard.screen["text"] == styled(WORDS.say("emergency_now")) == styled(heard.speech)
    assert heard.card["title"] == WORDS.say("emergency_card_title")


def test_the_urgent_screen_has_no_number_over_its_words() -> None:
    """Its first call is the hospital team's 24-hour number, which only the user has: no
    number is put above it, and the nurse number is not put over it either."""
    heard = Conversation(screen=True).intent("UrgentHelpIntent")
    screen = heard.screen
    assert screen is not None
    assert screen["safety"] is True and screen["number"]["shown"] is False
    assert screen["title"] == WORDS.say("urgent_card_title")
    assert screen["text"] == styled(WORDS.say("urgent_card"))


def test_crisis_screen_has_samaritans_and_no_buttons() -> None:
    show = Conversation(screen=True)
    show.open()
    screen = show.intent("CrisisIntent").screen
    assert screen is not None
    assert screen["number"]["number"] == KNOWN.services["samaritans"].display
    assert screen["next"]["buttons"] == []


def test_unknown_touch_gets_the_fallback_answer_not_an_error() -> None:
    show = Conversation(screen=True)
    show.open()
    heard = show.touch(["topic", "no_such_topic"])
    assert heard.speech.startswith(WORDS.say("fallback"))
    assert not heard.ends_session
    assert show.touch(["something", "else", 3]).speech.startswith(WORDS.say("fallback"))


def test_screen_runtime_error_is_answered_with_silence() -> None:
    show = Conversation(screen=True)
    show.open()
    envelope = show.session.envelope(
        {
            "type": "Alexa.Presentation.APL.RuntimeError",
            "token": "answer",
            # LIST_ERROR: the one error type ask-sdk-model 1.82 can read.
            "errors": [
                {"type": "LIST_ERROR", "reason": "INCONSISTENT_LIST_ID", "listId": "x", "message": "m"}
            ],
        }
    )
    raw = show.handler(envelope, None)
    assert "outputSpeech" not in raw["response"]
