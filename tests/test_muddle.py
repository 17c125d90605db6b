"""Conversations that survive muddle (docs/behaviour.md §3.3): a correction as the next
turn or in the same breath, going back to the answer before, from the conversation's
history, two questions at once, and fragments after a list.

Multi-turn, through the real Lambda handler with Alexa's JSON envelopes; expected words
are read from the content by key.
"""

from __future__ import annotations

import pytest

from skill.conversation.state import LINE_QUESTIONS
from skill.devtools.envelopes import slot_json
from skill.knowledge import TURN_WORD_LIMIT, words
from tests.conftest import KNOWN, Conversation, said

DECLINING = KNOWN.topic_for_intent("DeclineTreatmentIntent")


def treatment(value_id: str | None, spoken: str | None = None) -> dict:
    return {"treatment": slot_json("treatment", spoken or value_id, "TreatmentType", value_id, value_id)}


def body_site(value_id: str) -> dict:
    return {"bodySite": slot_json("bodySite", value_id, "BodySiteType", value_id, value_id)}


def symptom(value_id: str) -> dict:
    return {"symptom": slot_json("symptom", value_id, "SymptomType", value_id, value_id)}


def position(value_id: str) -> dict:
    return {"position": slot_json("position", value_id, "ListPositionType", value_id, value_id)}


def also(value_id: str) -> dict:
    return {"alsoAsked": slot_json("alsoAsked", value_id, "AlsoAskedType", value_id, value_id)}


def first(value_id: str) -> dict:
    return {"askedFirst": slot_json("askedFirst", value_id, "AlsoAskedType", value_id, value_id)}


def speech_of(topic_id: str) -> str:
    return KNOWN.topics[topic_id].speech


# --- Corrections ------------------------------------------------------------------------


def test_a_correction_naming_a_treatment_answers_it_never_declining_treatment(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("hormone_therapy"))
    heard = talk.intent("CorrectionIntent", treatment("radiotherapy"))  # "no, I meant radiotherapy"
    assert heard.speech.startswith(speech_of("radiotherapy"))
    assert DECLINING is not None and DECLINING.speech not in heard.speech
    assert not heard.ends_session
    assert talk.intent("TellMeMoreIntent").speech.startswith(KNOWN.topics["radiotherapy"].more)


def test_a_correction_is_not_a_no_to_the_offer_a_yes_after_it_reads_the_number(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))  # ends with the offer of the number
    corrected = talk.intent("CorrectionIntent", treatment("radiotherapy"))
    assert corrected.speech.startswith(speech_of("radiotherapy"))
    assert said("no_to_offer_first") not in corrected.speech
    heard = talk.intent("AMAZON.YesIntent")
    assert heard.speech.startswith(said("helpline_intro"))


def test_a_correction_naming_a_place_answers_exactly_as_the_topic_intent_does(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    corrected = talk.intent("CorrectionIntent", body_site("lungs"))  # "sorry, the lungs"
    other = Conversation()
    other.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    asked = other.intent("SpreadIntent", body_site("lungs"))
    assert corrected.speech == asked.speech
    lungs = KNOWN.topic_for_slot_value("bodySite", "lungs")
    assert lungs is not None and corrected.speech.startswith(lungs.speech)


def test_a_correction_naming_a_treatment_the_page_does_not_cover_says_so(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    heard = talk.intent("CorrectionIntent", treatment(None, "immunotherapy"))
    assert heard.speech.startswith(said("unknown_treatment"))
    assert not heard.ends_session


def test_a_correction_with_safety_words_gets_the_safety_answer_first(talk: Conversation) -> None:
    cue = {"safetyCue": slot_json("safetyCue", "better off without me", "SafetyCueType", "crisis", "crisis")}
    heard = talk.intent("CorrectionIntent", {**treatment("radiotherapy"), **cue})
    assert heard.speech.startswith(said("crisis"))


def test_a_correction_naming_nothing_asks_which_naming_the_last_topics_most_recent_first(
    talk: Conversation,
) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    heard = talk.intent("CorrectionIntent")  # "that's the wrong one"
    assert heard.speech == said("correction_which", topics="radiotherapy and chemotherapy")
    assert not heard.ends_session and heard.reprompt


def test_a_correction_naming_nothing_names_at_most_three_topics(talk: Conversation) -> None:
    for value_id in ("hormone_therapy", "chemotherapy", "radiotherapy", "surgery"):
        talk.intent("TreatmentInfoIntent", treatment(value_id))
    heard = talk.intent("CorrectionIntent")
    assert heard.speech == said("correction_which", topics="surgery, radiotherapy and chemotherapy")


def test_a_correction_naming_nothing_with_nothing_answered_asks_which(talk: Conversation) -> None:
    heard = talk.intent("CorrectionIntent")
    assert heard.speech == said("correction_nothing")
    assert not heard.ends_session and heard.reprompt


@pytest.mark.parametrize(
    ("utterance", "value_id"),
    [("no I meant radiotherapy", "radiotherapy"), ("sorry I meant chemo", "chemotherapy")],
)
def test_a_spoken_correction_after_the_offer_is_a_correction_not_a_no(
    talk: Conversation, utterance: str, value_id: str
) -> None:
    talk.intent("TreatmentInfoIntent", treatment("hormone_therapy"))
    heard = talk.say(utterance)
    assert heard.speech.startswith(speech_of(value_id))
    assert not heard.ends_session


# --- Going back -------------------------------------------------------------------------


def test_go_back_answers_the_topic_before_the_current_one(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    heard = talk.intent("GoBackIntent")
    assert heard.speech.startswith(speech_of("chemotherapy"))
    assert not heard.ends_session


def test_go_back_after_the_nurse_line_answers_the_last_topic(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("HelplineIntent")
    assert talk.intent("GoBackIntent").speech.startswith(speech_of("chemotherapy"))


def test_go_back_with_nothing_earlier_says_so_and_keeps_the_session_open(talk: Conversation) -> None:
    heard = talk.intent("GoBackIntent")
    assert heard.speech == said("back_nothing")
    assert not heard.ends_session and heard.reprompt
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    assert talk.intent("GoBackIntent").speech == said("back_nothing")  # nothing before it


def test_go_back_is_understood_as_going_back_and_start_again_still_starts_over(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    assert talk.say("go back").speech.startswith(speech_of("chemotherapy"))
    again = talk.say("start again")
    assert again.speech.startswith(said("start_over"))
    assert talk.intent("AMAZON.StartOverIntent").speech.startswith(said("start_over"))


def test_go_back_naming_a_place_answers_it_from_earlier_not_the_current_topic(talk: Conversation) -> None:
    talk.intent("SpreadIntent", body_site("bones"))  # "it's in her bones"
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("surgery"))
    bones_slot = {"earlier": slot_json("earlier", "the bones", "EarlierTopicType", "spread_bones", "bones")}
    heard = talk.intent("GoBackIntent", bones_slot)  # "what did you say about the bones?"
    bones = KNOWN.topic_for_slot_value("bodySite", "bones")
    assert bones is not None and heard.speech.startswith(bones.speech)
    assert not heard.ends_session
    assert said("start_over") not in heard.speech


def test_go_back_by_position_counts_from_the_start_of_the_conversation(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("targeted_therapy"))
    talk.intent("TreatmentInfoIntent", treatment("bisphosphonates"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    first = {"position": slot_json("position", "first", "ListPositionType", "first", "first")}
    heard = talk.intent("GoBackIntent", first)  # "what was the first one again?"
    assert heard.speech.startswith(speech_of("targeted_therapy"))
    assert talk.say("what did you say about the bones").speech.startswith(
        KNOWN.topic_for_slot_value("bodySite", "bones").speech  # type: ignore[union-attr]
    )


# --- Corrections in the same breath -----------------------------------------------------


@pytest.mark.parametrize(
    ("utterance", "value_id"),
    [
        ("not the liver the lungs", "spread_lungs"),
        ("hormone therapy no hang on radiotherapy", "radiotherapy"),
        ("chemo sorry I mean hormone therapy", "hormone_therapy"),
        ("chemo sorry I mean radiotherapy", "radiotherapy"),
    ],
)
def test_a_correction_in_the_same_breath_answers_the_one_meant(
    talk: Conversation, utterance: str, value_id: str
) -> None:
    talk.intent("TreatmentInfoIntent", treatment("surgery"))  # ends with the offer of the number
    heard = talk.say(utterance)
    assert heard.speech.startswith(speech_of(value_id))
    assert DECLINING is not None and DECLINING.speech not in heard.speech
    assert said("no_to_offer_first") not in heard.speech
    assert not heard.ends_session
    assert talk.intent("AMAZON.YesIntent").speech.startswith(said("helpline_intro"))


def test_the_one_taken_back_in_the_same_breath_is_never_answered(talk: Conversation) -> None:
    slots = {
        "mistakenTreatment": slot_json(
            "mistakenTreatment", "hormone therapy", "TreatmentType", "hormone_therapy", "x"
        ),
        **treatment("radiotherapy"),
    }
    heard = talk.intent("CorrectionIntent", slots)
    assert heard.speech.startswith(speech_of("radiotherapy"))
    assert speech_of("hormone_therapy") not in heard.speech


def test_a_correction_in_the_same_breath_naming_only_the_one_taken_back_asks_which(
    talk: Conversation,
) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    slots = {"mistakenSite": slot_json("mistakenSite", "liver", "BodySiteType", "liver", "liver")}
    heard = talk.intent("CorrectionIntent", slots)  # "not the liver, ..." and nothing more
    assert heard.speech == said("correction_which", topics="chemotherapy")
    assert not heard.ends_session


# --- Two questions at once ----------------------------------------------------------------


def test_two_questions_answer_the_first_then_offer_the_other_and_yes_answers_it(talk: Conversation) -> None:
    # "what is targeted therapy and when are the nurses open"
    first = talk.intent("TreatmentInfoIntent", {**treatment("targeted_therapy"), **also("helpline_hours")})
    offer = said("also_asked", other=said("also_helpline_hours"))
    assert first.speech.startswith(speech_of("targeted_therapy"))
    assert first.speech.endswith(offer)
    assert said("offer_helpline") not in first.speech
    assert not first.ends_session and first.reprompt
    second = talk.intent("AMAZON.YesIntent")  # yes to the other question, not to the number
    assert KNOWN.helpline.hours_text in second.speech
    assert said("helpline_intro") not in second.speech
    assert talk.intent("AMAZON.YesIntent").speech.startswith(said("helpline_intro"))


def test_yes_to_the_other_topic_answers_it_then_the_offer_of_the_number_stands(talk: Conversation) -> None:
    first = talk.intent("TreatmentOptionsIntent", also("chemotherapy"))
    assert first.speech.endswith(said("also_asked", other="chemotherapy"))
    second = talk.intent("AMAZON.YesIntent")
    assert second.speech.startswith(speech_of("chemotherapy"))
    assert second.speech.endswith(said("offer_helpline"))
    assert talk.intent("AMAZON.YesIntent").speech.startswith(said("helpline_intro"))


def test_the_nurse_line_first_then_a_topic_offered(talk: Conversation) -> None:
    # "when are the nurses open and what is targeted therapy"
    first = talk.intent("HelplineHoursIntent", also("targeted_therapy"))
    assert KNOWN.helpline.hours_text in first.speech
    assert first.speech.endswith(said("also_asked", other="targeted therapy"))
    assert talk.intent("AMAZON.YesIntent").speech.startswith(speech_of("targeted_therapy"))


def test_no_to_the_other_question_keeps_the_conversation_going(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", {**treatment("chemotherapy"), **also("radiotherapy")})
    heard = talk.intent("AMAZON.NoIntent")
    assert speech_of("radiotherapy") not in heard.speech
    assert heard.speech.endswith(said("offer_helpline"))
    assert not heard.ends_session


def test_the_same_question_twice_is_answered_once(talk: Conversation) -> None:
    heard = talk.intent("TreatmentInfoIntent", {**treatment("chemotherapy"), **also("chemotherapy")})
    assert heard.speech.endswith(said("offer_helpline"))
    assert heard.speech.count(speech_of("chemotherapy")) == 1
    assert said("disclaimer") in heard.speech  # nothing else is offered, so the note fits


def test_a_question_passed_over_is_not_answered_by_a_later_yes(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", {**treatment("chemotherapy"), **also("radiotherapy")})
    talk.intent("TreatmentInfoIntent", treatment("surgery"))  # asked something else instead
    assert talk.intent("AMAZON.YesIntent").speech.startswith(said("helpline_intro"))


def test_say_that_again_repeats_the_other_question_and_yes_still_answers_it(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", {**treatment("chemotherapy"), **also("radiotherapy")})
    again = talk.intent("AMAZON.RepeatIntent")
    assert again.speech.endswith(said("also_asked", other="radiotherapy"))
    assert talk.intent("AMAZON.YesIntent").speech.startswith(speech_of("radiotherapy"))


def test_two_questions_on_a_first_turn_fit_a_turn() -> None:
    """Answer, the note on general information and the other question: at most 60 words."""
    for intent, slots in (
        ("TreatmentOptionsIntent", {}),
        ("TreatmentInfoIntent", treatment("surgery")),
        ("SpreadIntent", body_site("brain")),
    ):
        heard = Conversation().intent(intent, {**slots, **also("helpline_hours")})
        assert heard.speech.endswith(said("also_asked", other=said("also_helpline_hours")))
        assert len(heard.speech.split()) <= 60, (intent, heard.speech)


def test_a_question_asked_before_the_intents_own_is_answered_first_then_its_own_offered(
    talk: Conversation,
) -> None:
    # "what is targeted therapy and when are the nurses open", heard as the hours intent
    heard = talk.intent("HelplineHoursIntent", first("targeted_therapy"))
    assert heard.speech.startswith(speech_of("targeted_therapy"))
    assert KNOWN.helpline.hours_text not in heard.speech
    assert heard.speech.endswith(said("also_asked", other=said("also_helpline_hours")))
    assert not heard.ends_session and heard.reprompt
    later = talk.intent("AMAZON.YesIntent")  # yes answers the intent's own question
    assert KNOWN.helpline.hours_text in later.speech
    assert speech_of("targeted_therapy") not in later.speech


def test_a_topic_asked_before_a_topic_is_answered_first_and_yes_gives_the_routed_one(
    talk: Conversation,
) -> None:
    # "what's chemo and what is radiotherapy", heard as radiotherapy with chemo asked first
    heard = talk.intent("TreatmentInfoIntent", {**treatment("radiotherapy"), **first("chemotherapy")})
    assert heard.speech.startswith(speech_of("chemotherapy"))
    assert heard.speech.endswith(said("also_asked", other="radiotherapy"))
    assert talk.intent("AMAZON.YesIntent").speech.startswith(speech_of("radiotherapy"))


def test_the_nurse_number_asked_first_is_read_first_then_the_topic_offered(talk: Conversation) -> None:
    # "what's the nurses number and who can I talk to about it"
    heard = talk.intent("TalkToSomeoneIntent", first("helpline"))
    assert heard.speech.startswith(said("helpline_intro"))
    assert heard.speech.endswith(said("also_asked", other=KNOWN.topics["talk_it_over"].spoken_name))
    assert talk.intent("AMAZON.YesIntent").speech.startswith(speech_of("talk_it_over"))


def test_a_question_asked_first_that_is_the_intents_own_is_answered_once(talk: Conversation) -> None:
    heard = talk.intent("TreatmentInfoIntent", {**treatment("chemotherapy"), **first("chemotherapy")})
    assert heard.speech.count(speech_of("chemotherapy")) == 1
    assert heard.speech.endswith(said("offer_helpline"))


def test_when_the_intents_own_question_has_no_name_it_is_answered_and_the_first_offered(
    talk: Conversation,
) -> None:
    # "what's chemo and what is immunotherapy": the second is nothing the page covers, so
    # it is answered as asked (kindly) and the first is offered after it; nothing lost.
    heard = talk.intent("TreatmentInfoIntent", {**treatment(None, "immunotherapy"), **first("chemotherapy")})
    assert not heard.speech.startswith(speech_of("chemotherapy"))
    assert heard.speech.endswith(said("also_asked", other="chemotherapy"))
    assert talk.intent("AMAZON.YesIntent").speech.startswith(speech_of("chemotherapy"))


def test_the_side_effects_of_a_treatment_asked_second_are_offered_and_yes_gives_them(
    talk: Conversation,
) -> None:
    # "what's electrochemotherapy and what are the side effects of chemo"
    heard = talk.intent("SideEffectsIntent", {**treatment("chemotherapy"), **first("electrochemotherapy")})
    assert heard.speech.startswith(speech_of("electrochemotherapy"))
    assert heard.speech.endswith(
        said("also_asked", other=said("also_side_effects_of", treatment="chemotherapy"))
    )
    assert talk.intent("AMAZON.YesIntent").speech.startswith(KNOWN.topics["chemotherapy"].side_effects)


def test_the_time_asked_about_is_kept_when_the_hours_come_second(talk: Conversation) -> None:
    # "can they drain the fluid off her lungs and can I ring the nurses at the weekend"
    when = {"when": slot_json("when", "at the weekend", "HelplineTimeType", "weekend", "weekend")}
    heard = talk.intent("HelplineHoursIntent", {**when, **first("fluid_on_lungs")})
    assert heard.speech.startswith(speech_of("fluid_on_lungs"))
    asked = said("also_helpline_hours_when", asked=said("asked_weekend"))
    assert heard.speech.endswith(said("also_asked", other=asked))
    later = talk.intent("AMAZON.YesIntent")
    no_weekends = said("hours_no", asked=said("asked_weekend"), hours=KNOWN.helpline.hours_text)
    assert later.speech.startswith(no_weekends)


def test_safety_words_win_over_a_question_asked_first(talk: Conversation) -> None:
    cue = {"safetyCue": slot_json("safetyCue", "i want to end it all", "SafetyCueType", "crisis", "crisis")}
    heard = talk.intent("HelplineHoursIntent", {**first("targeted_therapy"), **cue})
    assert heard.speech.startswith(said("crisis"))
    assert speech_of("targeted_therapy") not in heard.speech


# --- Fragments after a list -----------------------------------------------------------


def test_the_skin_one_after_the_treatments_is_the_skin_treatment(talk: Conversation) -> None:
    talk.intent("TreatmentOptionsIntent")
    heard = talk.intent("CorrectionIntent", body_site("skin"))
    assert heard.speech.startswith(speech_of("electrochemotherapy"))


def test_the_lung_one_and_the_tube_one_after_the_ways_of_controlling_symptoms(talk: Conversation) -> None:
    talk.intent("SymptomIntent")  # the ways treatment can help to control symptoms
    lungs = talk.intent("CorrectionIntent", body_site("lungs"))
    assert lungs.speech.startswith(
        speech_of("fluid_on_lungs")
    )  # the item of the list, not the lungs in general
    talk.intent("SymptomIntent")
    assert talk.intent("CorrectionIntent", symptom("fluid_on_lungs")).speech.startswith(
        speech_of("fluid_on_lungs")
    )


@pytest.mark.parametrize(("value_id", "topic_id"), [("first", "hormone_therapy"), ("last", "combination")])
def test_the_first_and_the_last_one_of_the_treatments(
    talk: Conversation, value_id: str, topic_id: str
) -> None:
    talk.intent("TreatmentOptionsIntent")
    assert talk.intent("CorrectionIntent", position(value_id)).speech.startswith(speech_of(topic_id))


def test_the_list_stays_the_last_list_after_an_item_is_answered(talk: Conversation) -> None:
    talk.intent("SpreadIntent")  # the bones, the skin, the brain
    assert talk.intent("CorrectionIntent", position("last")).speech.startswith(speech_of("spread_brain"))
    assert talk.intent("CorrectionIntent", position("first")).speech.startswith(speech_of("spread_bones"))


def test_a_fragment_after_the_other_options_picks_from_them(talk: Conversation) -> None:
    talk.intent("SpreadIntent", body_site("liver"))
    talk.intent("OtherOptionsIntent")  # besides the liver: the bones, the skin, the brain...
    assert talk.intent("CorrectionIntent", position("first")).speech.startswith(speech_of("spread_bones"))


def test_a_spoken_fragment_after_a_list_is_its_item_never_a_safety_answer(talk: Conversation) -> None:
    talk.intent("SymptomIntent")
    for utterance, topic_id in (("the lung one", "fluid_on_lungs"), ("the tube one", "fluid_on_lungs")):
        heard = talk.say(utterance)
        assert heard.speech.startswith(speech_of(topic_id)), utterance
        assert not heard.speech.startswith((said("crisis"), said("emergency_now")))
        talk.intent("SymptomIntent")
    talk.intent("TreatmentOptionsIntent")
    assert talk.say("the skin one").speech.startswith(speech_of("electrochemotherapy"))
    talk.intent("TreatmentOptionsIntent")
    assert talk.say("the last one").speech.startswith(speech_of("combination"))


def test_a_fragment_with_safety_words_of_its_own_gets_the_safety_answer(talk: Conversation) -> None:
    talk.intent("TreatmentOptionsIntent")
    cue = {"safetyCue": slot_json("safetyCue", "better off without me", "SafetyCueType", "crisis", "crisis")}
    assert talk.intent("CorrectionIntent", {**position("first"), **cue}).speech.startswith(said("crisis"))


def test_a_position_with_no_list_asks_which(talk: Conversation) -> None:
    heard = talk.intent("CorrectionIntent", position("first"))
    assert heard.speech == said("correction_nothing")
    assert not heard.ends_session


def test_a_position_with_no_list_counts_from_the_start_of_the_conversation(talk: Conversation) -> None:
    talk.intent("SymptomIntent", symptom("bone_pain"))
    talk.intent("SpreadIntent", body_site("lungs"))  # no list: the lungs' answer names one way
    heard = talk.intent("CorrectionIntent", position("first"))  # "the first one you said"
    assert heard.speech.startswith(speech_of("bone_pain"))


def test_go_back_to_the_nurses_reads_the_number_again(talk: Conversation) -> None:
    talk.intent("HelplineHoursIntent")
    talk.intent("TreatmentInfoIntent", treatment("hormone_therapy"))
    earlier = {"earlier": slot_json("earlier", "the nurses", "EarlierTopicType", "helpline", "the nurses")}
    heard = talk.intent("GoBackIntent", earlier)
    assert heard.speech.startswith(said("helpline_intro"))
    assert not heard.ends_session


def test_a_fragment_naming_what_no_list_held_answers_it(talk: Conversation) -> None:
    heard = talk.intent("CorrectionIntent", treatment("radiotherapy"))
    assert heard.speech.startswith(speech_of("radiotherapy"))


def test_a_note_too_long_for_the_turn_of_two_questions_comes_with_the_next_answer(talk: Conversation) -> None:
    first = talk.intent("TreatmentOptionsIntent", also("chemotherapy"))
    assert said("disclaimer") not in first.speech
    assert said("disclaimer") in talk.intent("AMAZON.YesIntent").speech


def test_every_earlier_topic_value_is_a_topic_the_skill_can_answer() -> None:
    """GoBackIntent answers an ``EarlierTopicType`` value id as a topic id or a question
    about the nurse line: a value whose id is neither would fall through to plain "go
    back"."""
    from skill.devtools.nlu import load_model

    types = load_model()["interactionModel"]["languageModel"]["types"]
    earlier = next(t for t in types if t["name"] == "EarlierTopicType")
    ids = {value["id"] for value in earlier["values"]}
    assert ids and ids <= set(KNOWN.topics) | set(LINE_QUESTIONS)
    assert "back" not in {s.lower() for v in earlier["values"] for s in v["name"].get("synonyms", [])}


# --- A list is picked from only while the talk is on it ---------------------------------


def test_a_place_after_a_list_picks_its_item_but_not_once_the_talk_has_moved_on(talk: Conversation) -> None:
    talk.intent("TreatmentOptionsIntent")  # names the treatments
    picked = talk.intent("CorrectionIntent", body_site("skin"))  # "the skin one"
    assert picked.speech.startswith(speech_of("electrochemotherapy"))
    other = Conversation()
    other.intent("TreatmentOptionsIntent")
    other.intent("SpreadIntent", body_site("liver"))  # the talk moves on
    corrected = other.intent("CorrectionIntent", body_site("skin"))  # "sorry, I meant the skin"
    skin = KNOWN.topic_for_slot_value("bodySite", "skin")
    assert skin is not None and corrected.speech.startswith(skin.speech)


def test_a_symptom_the_list_does_not_hold_is_answered_as_itself(talk: Conversation) -> None:
    talk.intent("TreatmentOptionsIntent")  # bisphosphonates are on it, for the bones
    heard = talk.intent("CorrectionIntent", symptom("bone_pain"))  # "no, I meant bone pain"
    assert heard.speech.startswith(speech_of("bone_pain"))
    assert not heard.speech.startswith(speech_of("bisphosphonates"))


def test_a_second_question_the_model_has_no_value_for_is_never_dropped_without_a_word(
    talk: Conversation,
) -> None:
    unheard = {"alsoAsked": slot_json("alsoAsked", "can i still drive", "AlsoAskedType", None, None)}
    heard = talk.intent("TreatmentInfoIntent", {**treatment("chemotherapy"), **unheard})
    assert heard.speech.startswith(speech_of("chemotherapy"))
    assert heard.speech.endswith(said("also_asked_unheard"))
    assert not heard.ends_session and heard.reprompt
    assert said("offer_helpline") not in heard.speech  # one question at a time
    assert words(heard.speech) <= TURN_WORD_LIMIT + 2  # "about 60": the longest answer, note and question
