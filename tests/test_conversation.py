"""Conversations through the real Lambda handler, with Alexa's JSON envelopes."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skill import knowledge
from skill.devtools.envelopes import slot_json
from skill.speech import validate
from tests.conftest import (
    CLOSED_TIME,
    OPEN_TIME,
    WELCOME,
    WORDS,
    Conversation,
    first_sentence,
    said,
    topic_speech,
)

FIXTURES = Path(__file__).parent / "fixtures"
OFFER = said("offer_helpline")
WHAT_ELSE = said("anything_else")
DISCLAIMER = "not a substitute for your own doctor or nurse"
SOURCE = "Source: Cancer Research UK"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


# --- The design promise: a short answer, then the helpline offer ---------------------


def test_golden_bone_pain_answer_offers_helpline(talk: Conversation) -> None:
    """Golden example: quotes the words on purpose (they change with topics.toml)."""
    heard = talk.say("what can help with bone pain")
    assert heard.speech.startswith("Bone pain can be helped by bisphosphonates.")
    assert heard.speech.endswith(OFFER)
    assert not heard.ends_session
    assert "nurse helpline number" in heard.reprompt
    assert heard.card["type"] == "Standard"
    assert heard.card["title"] == "Bone pain"
    assert SOURCE in heard.card["text"]


def test_yes_after_offer_reads_number_twice_in_groups_with_hours(talk: Conversation) -> None:
    talk.say("what can help with bone pain")
    heard = talk.say("yes")
    assert heard.speech.count("0808 800 4040") == 2
    assert heard.ssml.count('<say-as interpret-as="digits">0808</say-as>') == 2
    assert '<prosody rate="85%">' in heard.ssml  # read a little slower
    assert '<break time="400ms"/>' in heard.ssml  # a pause between groups
    assert "Monday to Friday, 9am to 5pm, UK time" in heard.speech
    assert heard.speech.endswith(WHAT_ELSE)
    assert heard.card["title"] == "Cancer Research UK nurse helpline"
    assert "0808 800 4040" in heard.card["text"] and SOURCE in heard.card["text"]
    assert not heard.ends_session


def test_no_to_offer_keeps_conversation_open_then_no_says_goodbye(talk: Conversation) -> None:
    talk.say("tell me about radiotherapy")
    heard = talk.say("no thanks")
    assert heard.speech == f"{said('no_to_offer_first')} {WHAT_ELSE}"
    assert not heard.ends_session and heard.reprompt
    heard = talk.say("no")
    assert "Goodbye" in heard.speech
    assert heard.ends_session


def test_answers_stop_offering_once_number_read(talk: Conversation) -> None:
    talk.say("read me the nurse number")
    heard = talk.say("what is targeted therapy")
    assert heard.speech.endswith(WHAT_ELSE)
    assert OFFER not in heard.speech
    assert "stop" in heard.reprompt  # the reprompt adds guidance


def test_helpline_mentions_open_now_during_hours() -> None:
    heard = Conversation(now=OPEN_TIME).say("read me the nurse number")
    assert said("helpline_open_now", closes="5pm") in heard.speech


def test_helpline_closed_at_weekend_says_when_it_opens() -> None:
    heard = Conversation(now=CLOSED_TIME).say("read me the nurse number")
    assert said("helpline_closed_now", when=said("when_day", day="Monday", opens="9am")) in heard.speech


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Monday after the spring clock change: 08:30 UTC is 09:30 BST, open.
        (datetime(2026, 3, 30, 8, 30, tzinfo=UTC), "Yes, the Cancer Research UK nurses are open now"),
        # Friday before it: 16:30 UTC is 16:30 GMT, open.
        (datetime(2026, 3, 27, 16, 30, tzinfo=UTC), "Yes, the Cancer Research UK nurses are open now"),
        # Friday 16:30 UTC in summer time is 17:30 BST: closed until Monday.
        (datetime(2026, 10, 23, 16, 30, tzinfo=UTC), "It opens again on Monday at 9am"),
        # Monday after the autumn change: 08:30 UTC is 08:30 GMT, not open yet.
        (datetime(2026, 10, 26, 8, 30, tzinfo=UTC), "It opens again today at 9am"),
        # Tuesday evening: opens tomorrow.
        (datetime(2026, 10, 27, 18, 0, tzinfo=UTC), "It opens again tomorrow at 9am"),
    ],
)
def test_are_the_nurses_open_now_in_uk_time_across_clock_changes(now: datetime, expected: str) -> None:
    heard = Conversation(now=now).say("are the nurses open now")
    assert expected in heard.speech
    assert heard.card["title"] == "Cancer Research UK nurse helpline"


# --- Multi-turn flows -----------------------------------------------------------------


def test_repeat_says_the_last_thing_word_for_word(talk: Conversation) -> None:
    first = talk.say("what is a bisphosphonate")
    again = talk.say("say that again")
    assert again.ssml == first.ssml
    assert again.reprompt_ssml == first.reprompt_ssml
    # The offer still stands after the repeat.
    assert "0808 800 4040" in talk.say("yes").speech


def test_repeat_with_nothing_said_yet_explains(talk: Conversation) -> None:
    heard = talk.say("repeat that")
    assert "haven't said anything" in heard.speech
    assert not heard.ends_session


def test_tell_me_more_gives_the_fuller_answer_of_the_same_topic(talk: Conversation) -> None:
    talk.say("is surgery possible")
    heard = talk.say("tell me more")
    assert "fit enough" in heard.speech
    assert heard.card["title"] == "Surgery"
    heard = talk.say("tell me more")
    assert heard.speech.startswith("That's all I have about surgery.")


def test_tell_me_more_before_any_answer_asks_for_a_question(talk: Conversation) -> None:
    heard = talk.say("tell me more")
    assert first_sentence(said("more_nothing")) in heard.speech
    assert not heard.ends_session


def test_urgent_words_are_answered_first_with_the_hospital_team_999_and_111(talk: Conversation) -> None:
    heard = talk.say("I'm in terrible pain")
    assert heard.speech.startswith(first_sentence(said("urgent")))
    assert heard.speech.index("hospital team") < heard.speech.index("999") < heard.speech.index("NHS 111")
    assert heard.card["title"] == said("urgent_card_title")
    assert "999" in heard.card["text"]
    # Only then anything else: the nurse line on request.
    assert "0808 800 4040" in talk.say("yes").speech


@pytest.mark.parametrize("utterance", ["I can't breathe", "he's collapsed", "my mum can't breathe"])
def test_emergency_phrases_reach_the_emergency_answer(talk: Conversation, utterance: str) -> None:
    assert talk.say(utterance).speech == said("emergency_now")


def test_its_an_emergency_leaves_room_for_doubt_so_the_urgent_help_answer(talk: Conversation) -> None:
    """docs/behaviour.md §4.1: "it's an emergency" gets the urgent-help answer: the hospital
    team's 24-hour number, 999 in an emergency, NHS 111 if the team cannot be reached."""
    assert talk.say("it's an emergency").speech.startswith(said("urgent"))


def test_disclaimer_comes_with_the_first_answer_only(talk: Conversation) -> None:
    talk.open()
    first = talk.say("what is chemotherapy")
    second = talk.say("what is radiotherapy")
    assert DISCLAIMER in first.speech
    assert DISCLAIMER not in second.speech


def test_speak_slower_slows_the_rest_of_the_session(talk: Conversation) -> None:
    heard = talk.say("speak slower")
    assert heard.ssml.startswith('<speak><prosody rate="80%">')
    answer = talk.say("what are the treatments")
    assert answer.ssml.startswith('<speak><prosody rate="80%">')
    assert answer.reprompt_ssml.startswith('<speak><prosody rate="80%">')
    talk.say("speak normally")
    assert "prosody" not in talk.say("who can I talk to").ssml


def test_start_over_goes_back_to_the_welcome_and_keeps_the_speed(talk: Conversation) -> None:
    talk.say("speak slower")
    talk.say("tell me about chemotherapy")
    heard = talk.say("start again")
    assert f"{first_sentence(said('start_over'))} {WELCOME}" in heard.speech
    assert 'rate="80%"' in heard.ssml
    assert talk.say("tell me more").speech.startswith(first_sentence(said("more_nothing")))


def test_yes_with_nothing_offered_still_makes_sense(talk: Conversation) -> None:
    heard = talk.say("yes")
    assert "not sure what you're saying yes to" in heard.speech
    assert not heard.ends_session


def test_yes_to_what_else_invites_a_question(talk: Conversation) -> None:
    talk.open()
    heard = talk.say("yes")
    assert heard.speech == "Go ahead. What would you like to know?"
    assert not heard.ends_session


# --- Built-ins ------------------------------------------------------------------------


def test_welcome_names_the_source_and_asks_a_question(talk: Conversation) -> None:
    heard = talk.open()
    assert "Cancer Research UK" in heard.speech
    assert heard.speech.endswith("What would you like to know?")
    assert heard.reprompt and heard.reprompt != heard.speech
    assert SOURCE in heard.card["text"]


def test_help_lists_what_can_be_asked(talk: Conversation) -> None:
    heard = talk.say("help")
    for subject in ("types of treatment", "bone pain", "your choices", "support at home", "nurse number"):
        assert subject in heard.speech
    assert "Cancer Research UK" in heard.speech
    assert not heard.ends_session


def test_fallback_says_what_the_skill_can_help_with(talk: Conversation) -> None:
    heard = talk.say("what's the weather like")
    assert heard.speech.startswith(said("fallback"))
    assert "chemotherapy" in heard.speech and "Cancer Research UK nurses" in heard.speech
    assert "Sorry" not in heard.speech  # warm, never "Sorry, I can't help with that"
    assert said("urgent_help") in heard.speech  # and one line on urgent help
    assert not heard.ends_session


@pytest.mark.parametrize("utterance", ["stop", "cancel"])
def test_stop_and_cancel_end_politely(talk: Conversation, utterance: str) -> None:
    heard = talk.say(utterance)
    assert "Goodbye" in heard.speech
    assert heard.ends_session


def test_session_ended_request_gets_an_empty_response(talk: Conversation) -> None:
    heard = talk.send(fixture("session_ended_error.json"))
    assert "outputSpeech" not in heard.response


# --- Odd input inside a valid request --------------------------------------------------


def test_unknown_body_site_gets_a_helpful_answer(talk: Conversation) -> None:
    heard = talk.send(fixture("spread_no_match.json"))
    assert heard.speech.startswith(said("unknown_body_site"))
    assert "lungs" not in heard.speech  # the page never names the lungs as a place of spread
    assert heard.speech.endswith(OFFER)
    assert heard.card["title"] == "Ask your doctor or nurse"
    assert "0808 800 4040" in heard.card["text"] and SOURCE in heard.card["text"]


@pytest.mark.parametrize(
    ("intent", "slot", "slot_type", "expected"),
    [
        ("TreatmentInfoIntent", "treatment", "TreatmentType", "unknown_treatment"),
        ("SymptomIntent", "symptom", "SymptomType", "unknown_symptom"),
    ],
)
def test_unknown_slot_values_get_a_helpful_answer(
    talk: Conversation, intent: str, slot: str, slot_type: str, expected: str
) -> None:
    heard = talk.intent(intent, {slot: slot_json(slot, "immunotherapy", slot_type, None, None)})
    assert heard.speech.startswith(said(expected))
    assert heard.speech.endswith(OFFER)
    assert not heard.ends_session


@pytest.mark.parametrize(
    ("intent", "title"),
    [
        ("TreatmentInfoIntent", "Types of treatment"),
        ("SymptomIntent", "Controlling symptoms"),
        ("SpreadIntent", "Where the cancer has spread"),
    ],
)
def test_missing_slot_value_gives_the_overview(talk: Conversation, intent: str, title: str) -> None:
    heard = talk.intent(intent)
    assert heard.card["title"] == title


def test_intent_the_skill_does_not_know_gets_an_apology_not_an_error(talk: Conversation) -> None:
    heard = talk.intent("SomethingNewIntent")
    assert heard.speech.startswith("Sorry, something went wrong on my side.")
    assert not heard.ends_session
    assert validate(heard.ssml) == []


def test_odd_session_attributes_are_ignored(talk: Conversation) -> None:
    """An older session's dead key (``lastTopic``) among them."""
    talk.session.attributes = {
        "rate": 42,
        "pending": ["x"],
        "lastTopic": "bone_pain",
        "thread": "no_such_topic",
        "moreGiven": "yes",
    }
    assert talk.say("tell me more").speech.startswith(first_sentence(said("more_nothing")))
    assert "0808" not in talk.say("yes").speech


def test_alexa_fixture_envelope_gets_the_bone_pain_answer(talk: Conversation) -> None:
    heard = talk.send(fixture("symptom_bone_pain.json"))
    assert heard.speech.startswith(first_sentence(topic_speech("bone_pain")))
    assert heard.raw["version"] == "1.0"


# --- Every topic by voice -------------------------------------------------------------


def test_every_topic_answers_by_voice_with_its_card() -> None:
    known = knowledge.load()
    answered = set()
    for topic in known.topics.values():
        talk = Conversation()
        if topic.intents:
            heard = talk.intent(topic.intents[0])
        elif topic.slot_values:
            slot, values = next(iter(topic.slot_values.items()))
            route = next(r for r in known.routes.values() if r.slot == slot)
            slot_type = talk.nlu.intent_slots[route.intent][slot]
            heard = talk.intent(
                route.intent, {slot: slot_json(slot, values[0], slot_type, values[0], values[0])}
            )
        else:
            route = next(r for r in known.routes.values() if r.default == topic.id)
            heard = talk.intent(route.intent)
        assert heard.speech.startswith(topic.speech), topic.id
        assert heard.card["title"] == topic.title
        assert SOURCE in heard.card["text"]
        answered.add(topic.id)
    assert answered == set(known.topics)


# --- Privacy ----------------------------------------------------------------------------


def test_logs_carry_no_user_ids_or_what_was_said(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    talk = Conversation()
    talk.say("my mum's cancer has spread to her spine")
    talk.say("I'm struggling to breathe")
    talk.intent("SomethingNewIntent")
    logs = caplog.text
    assert "SpreadIntent" in logs  # intent names are logged...
    session = talk.session
    for private in (session.user_id, session.device_id, session.session_id, "spine", "struggling", "mum"):
        assert private not in logs  # ...never ids or words the user said


# --- Beyond the page, practicalities, goodbye ---------------------------------------------


def test_beyond_the_page_is_kind_and_honest_then_offers_the_nurses(talk: Conversation) -> None:
    heard = talk.intent("BeyondPageIntent")  # "can it be cured", "how long have I got"
    assert heard.speech == f"{said('beyond_page')} {OFFER}"
    assert "doctor or specialist nurse" in heard.speech and "Sorry" not in heard.speech
    assert not heard.ends_session
    assert "0808 800 4040" in heard.card["text"]
    assert "0808 800 4040" in talk.intent("AMAZON.YesIntent").speech


def test_what_a_treatment_involves_is_the_practical_factors(talk: Conversation) -> None:
    topic = knowledge.load().topics["practical_factors"]
    heard = talk.intent("PracticalitiesIntent")
    assert heard.speech.startswith(topic.speech)
    for factor in ("extra appointments", "more tests", "travel to and from hospital"):
        assert factor in heard.speech
    assert talk.intent("TellMeMoreIntent").speech.startswith(topic.more)


def test_thank_you_ends_the_conversation_kindly(talk: Conversation) -> None:
    talk.intent("WhatIsIntent")
    heard = talk.intent("GoodbyeIntent")
    assert heard.speech in WORDS.phrasings("goodbye_thanks")
    assert heard.ends_session


@pytest.mark.parametrize("site", ["lungs", "liver", "lymph_nodes"])
def test_places_the_page_does_not_describe_say_so_then_what_it_does_say(
    talk: Conversation, site: str
) -> None:
    topic = knowledge.load().topic_for_slot_value("bodySite", site)
    assert topic is not None
    heard = talk.intent("SpreadIntent", {"bodySite": slot_json("bodySite", site, "BodySiteType", site, site)})
    assert heard.speech.startswith(topic.speech)
    assert "doesn't describe spread to" in heard.speech
    assert not heard.ends_session


# --- The offer, without nagging ----------------------------------------------------------


def test_offer_policy_over_a_long_session(talk: Conversation) -> None:
    known = knowledge.load()
    assert OFFER in talk.intent("TreatmentOptionsIntent").speech
    # The first no: acknowledged once, with how to ask later.
    heard = talk.intent("AMAZON.NoIntent")
    assert heard.speech == f"{said('no_to_offer_first')} {WHAT_ELSE}"
    # Then several answers without the offer.
    for intent in ("WhatIsIntent", "ChoicesIntent", "SideEffectsIntent", "PracticalitiesIntent"):
        heard = talk.intent(intent)
        assert OFFER not in heard.speech, intent
        assert heard.speech.endswith(WHAT_ELSE)
    heard = talk.intent("TellMeMoreIntent")
    assert OFFER not in heard.speech
    # Where the nurses are the natural next step, the offer comes back.
    for intent in ("SupportIntent", "TalkToSomeoneIntent", "DeclineTreatmentIntent"):
        topic = known.topic_for_intent(intent)
        assert topic is not None and topic.nurses_next
        heard = talk.intent(intent)
        assert heard.speech.endswith(OFFER), intent
        # A second no is just "All right": no second explanation.
        heard = talk.intent("AMAZON.NoIntent")
        assert heard.speech in {f"{text} {WHAT_ELSE}" for text in WORDS.phrasings("no_to_offer")}
    # Once the number has been read, it is never offered again.
    heard = talk.intent("SupportIntent")
    assert "0808 800 4040" in talk.intent("AMAZON.YesIntent").speech
    for intent in ("SupportIntent", "BeyondPageIntent", "HelplineHoursIntent", "WhatIsIntent"):
        heard = talk.intent(intent)
        assert OFFER not in heard.speech, intent
        assert heard.speech.endswith(WHAT_ELSE)
    heard = talk.intent("EmergencyIntent")
    assert "Would you like it?" not in heard.speech


def test_only_support_feelings_and_declining_treatment_are_marked_for_the_nurses() -> None:
    marked = {topic.id for topic in knowledge.load().topics.values() if topic.nurses_next}
    assert marked == {"support_at_home", "talk_it_over", "declining_treatment"}


# --- Speaking rate and repeat ---------------------------------------------------------------


def test_speak_slower_says_the_last_answer_again_slowly(talk: Conversation) -> None:
    topic = knowledge.load().topics["surgery"]
    surgery = slot_json("treatment", "surgery", "TreatmentType", "surgery", "surgery")
    answer = talk.intent("TreatmentInfoIntent", {"treatment": surgery})
    heard = talk.intent("SpeakSlowerIntent")
    assert heard.ssml.startswith('<speak><prosody rate="80%">')
    assert heard.speech == f"{said('slower')} {answer.speech}"
    assert topic.speech in heard.speech
    assert heard.reprompt == answer.reprompt
    # The offer it ended with still stands.
    assert "0808 800 4040" in talk.intent("AMAZON.YesIntent").speech


def test_speak_slower_re_reads_the_number_at_the_slow_rate(talk: Conversation) -> None:
    first = talk.intent("HelplineIntent")
    assert first.ssml.count('<prosody rate="85%">') == 2  # the number a little slower
    heard = talk.intent("SpeakSlowerIntent")
    assert heard.speech.startswith(said("slower"))
    assert heard.speech.count("0808 800 4040") == 2
    assert heard.ssml.startswith('<speak><prosody rate="80%">')
    assert '<prosody rate="85%">' not in heard.ssml  # the whole reply is slow already
    heard = talk.intent("SpeakNormallyIntent")
    assert heard.speech.startswith(said("normal"))
    assert heard.speech.count("0808 800 4040") == 2
    assert heard.ssml.count('<prosody rate="85%">') == 2 and 'rate="80%"' not in heard.ssml


def test_repeat_never_repeats_an_acknowledgement(talk: Conversation) -> None:
    answer = talk.intent("ChoicesIntent")
    talk.intent("SpeakSlowerIntent")
    heard = talk.intent("AMAZON.RepeatIntent")
    assert heard.speech == answer.speech  # not "All right, I'll speak more slowly"
    assert 'rate="80%"' in heard.ssml
    talk.intent("AMAZON.NoIntent")
    heard = talk.intent("AMAZON.RepeatIntent")
    assert heard.speech == answer.speech  # not "All right. You can ask for the number..."
    talk.intent("SpeakNormallyIntent")
    heard = talk.intent("AMAZON.RepeatIntent")
    assert heard.speech == answer.speech and "prosody" not in heard.ssml


def test_speak_slower_with_nothing_said_yet_just_acknowledges(talk: Conversation) -> None:
    heard = talk.intent("SpeakSlowerIntent")
    assert heard.speech == f"{said('slower')} {said('speed_prompt')}"
    assert not heard.ends_session


def test_tampered_last_content_is_not_said(talk: Conversation) -> None:
    talk.session.attributes = {"lastContent": {"speech": "<audio src='x'/>", "reprompt": None}}
    heard = talk.intent("AMAZON.RepeatIntent")
    assert heard.speech.startswith(said("repeat_nothing"))
    assert validate(heard.ssml) == []


# --- The biggest questions ------------------------------------------------------------


@pytest.mark.parametrize("utterance", ["am i dying", "is it terminal", "how long has my mum got"])
def test_the_biggest_questions_are_acknowledged_first_then_the_doctor_then_the_nurses(utterance: str) -> None:
    heard = Conversation().say(utterance)
    assert heard.speech.startswith("That's a big question, and an important one to ask.")
    assert heard.speech.index("big question") < heard.speech.index("doctor") < heard.speech.index("nurses")
    assert heard.speech.endswith(OFFER)
    assert not heard.ends_session


def test_other_questions_beyond_the_page_are_not_given_the_big_question_sentence() -> None:
    heard = Conversation().say("is there a clinical trial")
    assert heard.speech.startswith(said("beyond_page"))
    assert "big question" not in heard.speech
