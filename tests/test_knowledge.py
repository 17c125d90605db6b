"""The content: loaded once, checked at start-up, faithful to and covering the page."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from skill import knowledge
from skill.knowledge import ContentError

PAGE = resources.files("skill.knowledge").joinpath("source-page.txt").read_text(encoding="utf-8")


def content() -> dict:
    return tomllib.loads(resources.files("skill.knowledge").joinpath("topics.toml").read_text())


def flat(text: str) -> str:
    return " ".join(text.lower().split())


# Every fact on the page, as the page words it. Each must be on the page (so this list
# stays honest) and in the skill's cards (so every part of the page is reachable).
PAGE_FACTS = [
    "has spread to another part of the body",
    "advanced or metastatic breast cancer",
    "can help to reduce symptoms and might make you feel better",
    "make you feel unwell for a while",
    "how it might affect your quality of life",
    "what side effects it has",
    "you can ask them questions",
    "a close relative, a friend or a counsellor at the hospital",
    "0808 800 4040",
    "the size of the cancer and where it is in the body",
    "the treatment you have already had",
    "your general health",
    "hormone therapy",
    "targeted therapy",
    "bisphosphonates to treat spread to the bones",
    "a combination of some of these",
    "pain in your bones or feeling breathless",
    "depend upon where the cancer has spread to",
    "a small tube to drain fluid from your lungs",
    "medicated dressings",
    "slow down bone damage and also lower calcium levels in the blood",
    "targeted cancer drugs can all help to control symptoms as well",
    "surgery is not usually an option",
    "surgery before radiotherapy to remove a small cancer that has spread to the brain",
    "the cancer needs to be small and you also have to be fit enough to have surgery",
    "a combination of chemotherapy and an electric pulse",
    "the skin of the operation scar",
    "shrink the cancer and also relieve symptoms such as pain",
    "the pros and cons of each",
    "your doctor might offer you a choice of treatments",
    "ask how they can control any side effects",
    "whether you need extra appointments",
    "if you need more tests",
    "the distance you need to travel to and from hospital",
    "further choices as your situation changes",
    "stop a treatment whenever you want to if you find it too much to cope with",
    "tablets to relieve sickness or pain",
    "a local symptom control team to give you support at home",
    "can be a big shock",
    "talk to a close friend or relative about how you feel",
    "freephone 0808 800 4040",
]


@pytest.mark.parametrize("fact", PAGE_FACTS)
def test_every_fact_on_the_page_reaches_a_card(fact: str) -> None:
    assert flat(fact) in flat(PAGE), "the list must quote the page"
    cards = " ".join(flat(topic.card) for topic in knowledge.load().topics.values())
    assert flat(fact) in cards, fact


def test_every_section_of_the_page_has_topics() -> None:
    sections = {topic.section for topic in knowledge.load().topics.values()}
    for heading in (
        "Treatment options for secondary breast cancer",
        "Types of treatment",
        "Controlling symptoms",
        "Your choices",
        "If you decide not to have treatment",
        "Support at home",
    ):
        assert heading in PAGE
        assert heading in sections


def test_helpline_facts_match_the_page() -> None:
    helpline = knowledge.load().helpline
    assert helpline.display in PAGE
    assert "Monday to Friday, 9am to 5pm" in PAGE
    assert helpline.open_days == {1, 2, 3, 4, 5}
    assert (helpline.opens.hour, helpline.closes.hour) == (9, 17)


@pytest.mark.parametrize(
    "claim", ["cure", "tamoxifen", "letrozole", "herceptin", "life expectancy", "prognosis"]
)
def test_the_skill_says_nothing_the_page_does_not_cover(claim: str) -> None:
    assert claim not in flat(PAGE)
    spoken = " ".join(flat(t.speech + " " + t.more + " " + t.card) for t in knowledge.load().topics.values())
    assert claim not in spoken


def test_spoken_answers_fit_in_one_or_two_breaths() -> None:
    for topic in knowledge.load().topics.values():
        assert knowledge.words(topic.speech) <= knowledge.SPEECH_WORD_LIMIT, topic.id
        assert knowledge.words(topic.more) <= knowledge.MORE_WORD_LIMIT, topic.id


def test_lookup_by_intent_and_by_slot_value() -> None:
    known = knowledge.load()
    choices = known.topic_for_intent("ChoicesIntent")
    bone_pain = known.topic_for_slot_value("symptom", "bone_pain")
    assert choices is not None and choices.id == "choices"
    assert bone_pain is not None and bone_pain.id == "bone_pain"
    assert known.topic_for_slot_value("symptom", "nonsense") is None


def test_too_long_answer_fails_at_load() -> None:
    data = content()
    data["topics"]["what_is"]["speech"] = "word " * 60
    with pytest.raises(ContentError, match="over 45"):
        knowledge.parse(data)


def test_missing_field_fails_at_load() -> None:
    data = content()
    del data["topics"]["surgery"]["card"]
    with pytest.raises(ContentError, match=r"topics\.surgery: 'card'"):
        knowledge.parse(data)


def test_slot_value_leading_to_two_topics_fails_at_load() -> None:
    data = content()
    data["topics"]["pain"]["slot_values"] = {"symptom": ["pain", "bone_pain"]}
    with pytest.raises(ContentError, match="leads to both"):
        knowledge.parse(data)


def test_helpline_groups_must_spell_the_number() -> None:
    data = content()
    data["helpline"]["groups"] = ["0808", "800", "4041"]
    with pytest.raises(ContentError, match="groups"):
        knowledge.parse(data)


def test_unknown_key_in_a_topic_fails_at_load() -> None:
    data = content()
    data["topics"]["wound"]["speach"] = "typo"
    with pytest.raises(ContentError, match="unknown keys"):
        knowledge.parse(data)
