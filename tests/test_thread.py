"""The thread of a conversation: a follow-up that names no topic is about the last answer.

Multi-turn, through the real Lambda handler (and once through the Flask endpoint) with
Alexa's JSON envelopes; expected words are read from the content by key.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from skill.builder import create_skill
from skill.devtools.envelopes import Session, slot_json
from skill.hosts import web
from skill.speech import plain_text
from tests.conftest import KNOWN, OPEN_TIME, ROOT, WORDS, Conversation, said

PAGE = " ".join((ROOT / "skill" / "knowledge" / "source-page.txt").read_text(encoding="utf-8").split())
GOODBYES = set(WORDS.phrasings("goodbye")) | set(WORDS.phrasings("goodbye_thanks"))
SAFETY_ANSWERS = {said("emergency_now"), said("overdose"), said("crisis")}


def treatment(value_id: str, spoken: str | None = None) -> dict:
    return {"treatment": slot_json("treatment", spoken or value_id, "TreatmentType", value_id, value_id)}


def body_site(value_id: str) -> dict:
    return {"bodySite": slot_json("bodySite", value_id, "BodySiteType", value_id, value_id)}


def symptom(value_id: str, spoken: str) -> dict:
    return {"symptom": slot_json("symptom", spoken, "SymptomType", value_id, value_id)}


def no_treatment() -> dict:
    return {"treatment": slot_json("treatment", None, "TreatmentType", None, None)}


# --- What it is, what it's for: the fuller answer ----------------------------------------


def test_whats_that_for_after_an_answer_gives_its_fuller_answer_not_the_same_again(
    talk: Conversation,
) -> None:
    first = talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    follow_up = talk.intent("TellMeMoreIntent")  # "what's that for?"
    assert first.speech.startswith(KNOWN.topics["radiotherapy"].speech)
    assert follow_up.speech.startswith(KNOWN.topics["radiotherapy"].more)
    assert KNOWN.topics["radiotherapy"].speech not in follow_up.speech
    assert not follow_up.ends_session


def test_a_follow_up_with_nothing_asked_yet_is_one_short_question_that_keeps_the_session_open(
    talk: Conversation,
) -> None:
    heard = talk.intent("TellMeMoreIntent")
    assert heard.speech == said("more_nothing")
    assert heard.speech.startswith("Which treatment do you mean?")
    assert not heard.ends_session and heard.reprompt


def test_what_is_it_after_the_number_says_what_the_nurses_are_for(talk: Conversation) -> None:
    talk.intent("HelplineIntent")
    heard = talk.intent("TellMeMoreIntent")
    assert heard.speech.startswith(said("helpline_about", hours=KNOWN.helpline.hours_text))


# --- Side effects of it -------------------------------------------------------------------


def test_side_effects_of_it_are_those_of_the_last_treatment(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    heard = talk.intent("SideEffectsIntent", no_treatment())  # "and the side effects of it?"
    assert heard.speech.startswith(KNOWN.topics["chemotherapy"].side_effects)
    assert "unwell for a while" in heard.speech  # the page: chemotherapy has such side effects
    assert heard.card["title"] == said("side_effects_card_title", treatment="Chemotherapy")


def test_side_effects_of_a_treatment_the_page_does_not_describe_point_to_the_doctor_and_offer_nurses(
    talk: Conversation,
) -> None:
    heard = talk.intent("SideEffectsIntent", treatment("hormone_therapy"))
    assert heard.speech.startswith("This information doesn't describe the side effects of hormone therapy.")
    assert "specialist nurse" in heard.speech
    assert heard.speech.endswith(said("offer_helpline"))


def test_side_effects_with_no_treatment_in_the_thread_are_the_general_answer(talk: Conversation) -> None:
    heard = talk.intent("SideEffectsIntent", no_treatment())
    assert heard.speech.startswith(KNOWN.topics["side_effects"].speech)


@pytest.mark.parametrize("before", ["chemotherapy", "radiotherapy", "hormone_therapy"])
def test_side_effects_of_a_treatment_the_skill_does_not_know_are_the_general_answer_not_the_last_ones(
    talk: Conversation, before: str
) -> None:
    talk.intent("TreatmentInfoIntent", treatment(before))
    # "what are the side effects of immunotherapy?": heard, but no value of the model's.
    unknown = {"treatment": slot_json("treatment", "immunotherapy", "TreatmentType", None, None)}
    heard = talk.intent("SideEffectsIntent", unknown)
    assert heard.speech.startswith(KNOWN.topics["side_effects"].speech)
    assert KNOWN.topics[before].side_effects not in heard.speech
    assert heard.card["title"] == KNOWN.topics["side_effects"].title


# --- Are there others? ----------------------------------------------------------------------


def test_are_there_others_after_a_treatment_lists_the_rest_in_small_groups(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    heard = talk.intent("OtherOptionsIntent", no_treatment())
    assert heard.speech.startswith(said("others_treatment", current="chemotherapy"))
    for name in ("hormone therapy", "radiotherapy", "targeted therapy", "bisphosphonates", "surgery"):
        assert name in heard.speech.lower()
    listed = heard.speech.lower().split(":", 1)[1]
    assert (
        "chemotherapy" not in listed.replace(".", " ").replace(",", " ").split()
    )  # not the one just answered
    # three at most to a breath, each group a sentence with a pause after it
    assert heard.ssml.count('<break time="300ms"/>') == 3
    assert heard.speech.endswith(said("others_question"))
    assert not heard.ends_session


def test_other_treatments_besides_a_named_one(talk: Conversation) -> None:
    heard = talk.intent("OtherOptionsIntent", treatment("radiotherapy"))  # "besides radiotherapy?"
    assert heard.speech.startswith(said("others_treatment", current="radiotherapy"))


def test_anything_else_they_can_try_after_a_symptom_lists_the_pages_ways_of_control(
    talk: Conversation,
) -> None:
    talk.intent("SymptomIntent", symptom("wound", "a wound"))
    heard = talk.intent("OtherOptionsIntent", no_treatment())
    assert heard.speech == said("others_symptom")
    assert "small tube to drain fluid" in heard.speech


def test_are_there_others_with_nothing_asked_yet_asks_which(talk: Conversation) -> None:
    heard = talk.intent("OtherOptionsIntent", no_treatment())
    assert heard.speech == said("others_nothing")
    assert not heard.ends_session


def test_are_there_others_after_a_place_lists_the_other_places_the_page_covers(talk: Conversation) -> None:
    talk.intent("SpreadIntent", body_site("liver"))
    heard = talk.intent("OtherOptionsIntent", no_treatment())
    assert heard.speech.startswith(said("others_site", current="the liver"))
    for place in ("the bones", "the lungs", "the skin", "the brain", "the lymph nodes"):
        assert place in heard.speech.lower()
    assert heard.speech.endswith(said("others_question"))


def test_no_after_the_list_of_others_keeps_the_session_open(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("OtherOptionsIntent", no_treatment())
    assert not talk.intent("AMAZON.NoIntent").ends_session


# --- A place or treatment alone, typed as people say it ----------------------------------


@pytest.mark.parametrize(
    ("first", "follow_up", "topic"),
    [
        ("my mum's cancer has gone to her bones", "and her liver", "spread_liver"),
        ("what is chemotherapy", "what about the brain", "spread_brain"),
        ("what can help with bone pain", "and radiotherapy", "radiotherapy"),
    ],
)
def test_a_place_or_treatment_alone_answers_that_place_or_treatment(
    first: str, follow_up: str, topic: str
) -> None:
    talk = Conversation()
    talk.say(first)
    heard = talk.say(follow_up)
    assert heard.speech.startswith(KNOWN.topics[topic].speech)
    assert not heard.ends_session


@pytest.mark.parametrize("utterance", ["chemo", "breathless", "radiotherapy please"])
def test_one_or_two_words_naming_a_topic_answer_it_never_the_emergency(utterance: str) -> None:
    heard = Conversation().say(utterance)
    assert heard.speech not in SAFETY_ANSWERS and not heard.speech.startswith(said("urgent"))
    assert heard.card["title"] in {topic.title for topic in KNOWN.topics.values()}


@pytest.mark.parametrize(
    "utterance",
    ["what actually is chemo", "can she stop the hormone therapy", "and can i change my mind later on"],
)
def test_a_question_with_a_topic_word_never_ends_the_session(utterance: str) -> None:
    heard = Conversation().say(utterance)
    assert not heard.ends_session
    assert heard.speech not in GOODBYES


# --- After the number -----------------------------------------------------------------------


def test_after_the_number_is_it_free_when_are_they_open_saturday_and_say_it_again() -> None:
    talk = Conversation()
    number = talk.say("what's the nurse number")
    assert "0808" in number.speech
    free = talk.say("is it free")
    assert free.speech.startswith(said("helpline_free", hours=KNOWN.helpline.hours_text))
    saturday = talk.say("what about saturday")
    assert saturday.speech.startswith("No, not on Saturdays.")
    again = talk.say("say it again")
    assert again.speech == saturday.speech
    assert not again.ends_session


@pytest.mark.parametrize("safety_answer", ["CrisisIntent", "OverdoseIntent"])
def test_is_it_free_after_the_crisis_or_overdose_answer_says_the_line_is_freephone(
    talk: Conversation, safety_answer: str
) -> None:
    talk.intent(safety_answer)
    heard = talk.intent("HelplineCostIntent")  # "is it free?"
    assert heard.speech.startswith(said("helpline_free", hours=KNOWN.helpline.hours_text))
    assert not heard.ends_session


def test_is_it_free_after_a_treatment_is_for_the_doctor_not_the_nurse_line(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    heard = talk.intent("HelplineCostIntent")
    assert heard.speech.startswith(said("beyond_page"))


# --- Fluid on the lungs -----------------------------------------------------------------------


def test_fluid_on_the_lungs_is_the_small_tube_that_drains_it_as_the_page_says() -> None:
    page = "a small tube to drain fluid from your lungs"
    assert page in PAGE
    heard = Conversation().say("fluid on her lungs can they drain it")
    assert heard.card["title"] == KNOWN.topics["fluid_on_lungs"].title
    assert "small tube to drain fluid from the lungs" in heard.speech
    assert heard.speech not in SAFETY_ANSWERS and not heard.speech.startswith(said("urgent"))


def test_the_breathlessness_answer_says_draining_fluid_is_one_way_symptoms_are_controlled() -> None:
    assert "small tube to drain fluid from your lungs" in KNOWN.topics["breathlessness"].speech


# --- The offer, passed over, at most twice in a row -----------------------------------------


def test_an_ignored_offer_is_made_at_most_twice_in_a_row(talk: Conversation) -> None:
    replies = [
        talk.intent("TreatmentInfoIntent", treatment(value))
        for value in ("chemotherapy", "radiotherapy", "surgery", "hormone_therapy")
    ]
    offers = [reply.speech.endswith(said("offer_helpline")) for reply in replies]
    assert offers == [True, True, False, True]
    assert replies[2].speech.endswith(said("anything_else"))


def test_a_yes_or_no_to_the_offer_starts_the_count_again(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))  # passed over: two in a row
    talk.intent("AMAZON.NoIntent")
    heard = talk.intent("SupportIntent")  # the nurses' own topic: offered again after the no
    assert heard.speech.endswith(said("offer_helpline"))


# --- After a crisis ------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["AMAZON.YesIntent", "AMAZON.NoIntent"])
def test_yes_or_no_after_the_crisis_answer_gives_the_numbers_again_gently(
    talk: Conversation, answer: str
) -> None:
    talk.intent("CrisisIntent")
    heard = talk.intent(answer)
    assert heard.speech == said("crisis_reprompt")
    assert "116 123" in heard.speech and not heard.ends_session


@pytest.mark.parametrize("safety_answer", ["CrisisIntent", "OverdoseIntent"])
def test_yes_to_the_urgent_help_offer_after_a_crisis_or_overdose_answer_reads_the_number(
    talk: Conversation, safety_answer: str
) -> None:
    talk.intent(safety_answer)
    urgent = talk.intent("UrgentHelpIntent")  # "she's got a high temperature after chemo"
    assert urgent.speech.startswith(said("urgent"))
    assert urgent.speech.endswith(said("urgent_follow_up"))  # the offer of the number
    heard = talk.intent("AMAZON.YesIntent")
    assert heard.speech.startswith(said("helpline_intro"))
    assert heard.speech.count(KNOWN.helpline.display) == 2  # the number, twice
    assert said("crisis_reprompt") not in heard.speech


# --- Over HTTP -------------------------------------------------------------------------------


def test_the_thread_is_held_over_the_flask_endpoint() -> None:
    client: FlaskClient = web.create_app(create_skill(clock=lambda: OPEN_TIME)).test_client()
    session = Session()
    first = client.post(
        "/", json=session.intent("TreatmentInfoIntent", treatment("bisphosphonates"))
    ).get_json()
    session.carry(first)
    second = client.post("/", json=session.intent("TellMeMoreIntent")).get_json()
    session.carry(second)
    third = client.post("/", json=session.intent("SideEffectsIntent", no_treatment())).get_json()
    assert plain_text(second["response"]["outputSpeech"]["ssml"]).startswith(
        KNOWN.topics["bisphosphonates"].more
    )
    assert plain_text(third["response"]["outputSpeech"]["ssml"]).startswith(
        KNOWN.topics["bisphosphonates"].side_effects
    )
    assert third["response"]["shouldEndSession"] is False
    assert third["sessionAttributes"]["thread"] == "bisphosphonates"
