"""The content: loaded once, checked at start-up, faithful to and covering the page."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from skill import dialogue, knowledge, time_words
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
    with pytest.raises(ContentError, match="over 40"):
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


def test_the_services_the_safety_answers_name_are_written_once() -> None:
    """999 and Samaritans' number, shown first and biggest on the safety screens, come from
    [services]; none of them is on the page (docs/behaviour.md §4)."""
    services = knowledge.load().services
    assert services["emergency"].display == "999"
    assert services["samaritans"].display == "116 123"
    assert not services["hospital_team"].display  # only the person has it
    for service in services.values():
        assert service.facts
        assert not service.display or service.display not in PAGE


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["services"].pop("samaritans"), r"no \[services.samaritans\]"),
        (lambda d: d["services"]["emergency"].update(display="nine"), "digits in groups"),
        (lambda d: d["services"]["nhs_111"].update(url="x"), "unknown keys"),
    ],
)
def test_broken_services_fail_at_load(change: Any, problem: str) -> None:
    data = content()
    change(data)
    with pytest.raises(ContentError, match=problem):
        knowledge.parse(data)


def test_unknown_key_in_a_topic_fails_at_load() -> None:
    data = content()
    data["topics"]["wound"]["speach"] = "typo"
    with pytest.raises(ContentError, match="unknown keys"):
        knowledge.parse(data)


# --- Faithful to the page: the audit's corrections, and the caveats the page makes --------


def heard_as(text: str) -> str:
    """Flattened, with contractions spelt out, so that "isn't" keeps its "not"."""
    text = flat(text).replace("\u2019", "'")
    for short, long in (("won't", "will not"), ("isn't", "is not"), ("doesn't", "does not"), ("n't", " not")):
        text = text.replace(short, long)
    return text


# (topic, fields, what the page says, words each field must keep). The quote must be on the
# page; losing a caveat from any listed field of the topic that states it fails the test.
CAVEATS = [
    ("surgery", ("speech", "card"), "Surgery is not usually an option", ["not usually an option"]),
    (
        "surgery",
        ("speech", "card"),
        "in some situations, surgery can help to relieve symptoms",
        ["relieve symptoms"],
    ),
    (
        "surgery",
        ("speech", "card"),
        "This type of surgery will not be suitable for everyone",
        ["not be suitable for everyone"],
    ),
    ("surgery", ("more", "card"), "you also have to be fit enough to have surgery", ["fit enough", "small"]),
    ("spread_brain", ("speech", "card"), "Surgery is not usually an option", ["not usually an option"]),
    ("spread_brain", ("speech", "card"), "surgery can help to relieve symptoms", ["relieve symptoms"]),
    (
        "spread_brain",
        ("speech", "more", "card"),
        "you also have to be fit enough to have surgery",
        ["fit enough", "small"],
    ),
    (
        "spread_brain",
        ("speech", "card"),
        "will not be suitable for everyone. The cancer needs to be small",
        ["not be suitable for everyone", "small", "fit enough"],
    ),
    (
        "radiotherapy",
        ("card",),
        "Surgery is not usually an option",
        ["not usually an option", "relieve symptoms", "fit enough", "not be suitable for everyone"],
    ),
    (
        "electrochemotherapy",
        ("speech", "card"),
        "It can be used to treat breast cancer",
        ["can be used to treat"],
    ),
    (
        "electrochemotherapy",
        ("speech", "card"),
        "It might help to shrink the cancer",
        ["might help to shrink"],
    ),
    ("spread_skin", ("speech", "card"), "It might help to shrink the cancer", ["might help to shrink"]),
    (
        "talk_it_over",
        ("speech", "card"),
        "the benefits and possible side effects",
        ["benefits and possible side effects"],
    ),
    (
        "chemotherapy",
        ("speech", "card"),
        "the benefits and possible side effects",
        ["benefits and possible side effects"],
    ),
    (
        "chemotherapy",
        ("speech", "card"),
        "can help to reduce symptoms and might make you feel better",
        ["can help to reduce symptoms", "might make you feel better"],
    ),
    (
        "treatment_aims",
        ("speech", "card"),
        "might make you feel better",
        ["might make you feel better", "quality of life", "deciding about treatment can be difficult"],
    ),
    (
        # The referral is in the page's section on deciding not to have treatment: it is
        # never offered without that context.
        "support_at_home",
        ("more", "card"),
        "If you decide not to have treatment",
        ["if you decide not to have", "symptom control team"],
    ),
    (
        "declining_treatment",
        ("speech", "card"),
        "ask them to refer you to a local symptom control team",
        ["local symptom control team", "support at home"],
    ),
    (
        "practical_factors",
        ("speech", "card"),
        "whether you need extra appointments",
        ["extra appointments", "more tests", "travel to and from hospital"],
    ),
    (
        "breathlessness",
        ("speech", "card"),
        "This might include problems with pain in your bones or feeling breathless",
        ["might cause"],
    ),
    (
        "bisphosphonates",
        ("speech", "card"),
        "Bisphosphonates can slow down bone damage",
        ["can help with bone pain", "slow down bone damage"],
    ),
]


@pytest.mark.parametrize(("topic_id", "fields", "quote", "caveats"), CAVEATS)
def test_each_corrected_fact_keeps_the_caveat_the_page_makes(
    topic_id: str, fields: tuple[str, ...], quote: str, caveats: list[str]
) -> None:
    assert flat(quote) in flat(PAGE), "the quote must be on the page"
    topic = knowledge.load().topics[topic_id]
    for name in fields:
        text = heard_as(getattr(topic, name))
        for caveat in caveats:
            assert heard_as(caveat) in text, f"topics.{topic_id}.{name} lost {caveat!r}"


def all_text(topic: knowledge.Topic) -> list[str]:
    return [topic.speech, topic.more, topic.card]


def test_the_lung_drain_is_named_only_as_one_way_symptoms_are_controlled() -> None:
    """The page lists the drain among the ways treatment can control symptoms; it never
    says the drain is for breathlessness. The breathlessness answer names it as one way
    symptoms are controlled, never as a treatment for breathlessness."""
    known = knowledge.load()
    speech = known.topics["breathlessness"].speech
    assert speech.index("Treatment can help to control") < speech.index("a small tube to drain fluid")
    for claim in ("for breathlessness", "helps breathing", "help with breathing", "ease breathlessness"):
        assert claim not in speech
    assert "breathless" not in flat(known.topics["controlling_symptoms"].speech)


def test_the_lungs_are_never_presented_as_a_place_the_page_covers() -> None:
    known = knowledge.load()
    for topic in known.topics.values():
        for text in all_text(topic):
            if "spread to the lungs" in flat(text):
                assert topic.id == "spread_lungs", topic.id
                assert "does not describe spread to the lungs" in heard_as(text)
    for topic_id in ("spread_lungs", "spread_liver", "spread_lymph_nodes"):
        topic = known.topics[topic_id]
        assert "does not describe spread to" in heard_as(topic.speech)
        assert "doctor or specialist nurse" in topic.speech + topic.more
    words = flat(" ".join(dialogue_text("unknown_body_site")))
    assert "lungs" not in words


def dialogue_text(key: str) -> tuple[str, ...]:
    return dialogue.load().phrasings(key)


def test_every_tell_me_more_says_more_about_its_own_topic() -> None:
    """No generic filler: a "more" is not the speech again, and where the page has nothing
    more it says that is all the information has, and points to the doctor or nurse."""
    known = knowledge.load()
    for topic in known.topics.values():
        assert flat(topic.more) != flat(topic.speech), topic.id
        if "that's all" in flat(topic.more):
            assert "doctor" in flat(topic.more), topic.id
    assert "that's all" in flat(known.topics["electrochemotherapy"].more)
    assert "pros and cons" not in flat(known.topics["electrochemotherapy"].more)


@pytest.mark.parametrize(
    "words",
    [
        "quality of life",
        "deciding about treatment can be difficult",
        "symptom control team",
        "extra appointments",
    ],
)
def test_the_audit_facts_reach_a_spoken_answer_not_only_a_card(words: str) -> None:
    speeches = " ".join(flat(topic.speech) for topic in knowledge.load().topics.values())
    assert words in speeches


# --- The compiled form shipped to Lambda -------------------------------------------------


def test_compiled_content_loads_as_the_toml_does_and_is_checked_the_same(tmp_path) -> None:
    import json
    import shutil
    import subprocess
    import sys

    from skill import content

    package = tmp_path / "skill"
    shutil.copytree(
        Path(knowledge.__file__).parents[1], package, ignore=shutil.ignore_patterns("__pycache__")
    )
    for folder, name in (("knowledge", "topics"), ("dialogue", "en-GB")):
        source = package / folder / f"{name}.toml"
        content.write_compiled(str(source), str(source.with_suffix(".json")))
        source.unlink()
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); from skill import knowledge, dialogue;"
        "print(repr(knowledge.load()) == sys.argv[2], sorted(dialogue.load().keys) == sorted(dialogue.KEYS))"
    )
    args = [sys.executable, "-I", "-S", "-B", "-c", probe, str(tmp_path), repr(knowledge.load())]
    assert subprocess.run(args, capture_output=True, text=True).stdout.split() == ["True", "True"]
    # Broken compiled content is refused at start-up, as broken TOML is.
    topics = package / "knowledge" / "topics.json"
    data = json.loads(topics.read_text())
    data["topics"]["surgery"]["speech"] = ""
    topics.write_text(json.dumps(data))
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode != 0 and "ContentError" in result.stderr


def test_the_hours_in_words_are_built_from_the_structured_hours() -> None:
    helpline = knowledge.load().helpline
    assert helpline.hours_text == time_words.hours_prose(helpline.open_days, helpline.opens, helpline.closes)
    assert helpline.hours_text == "Monday to Friday, 9am to 5pm, UK time"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["helpline"].update(closes="18:00"), "'hours_text' must say"),
        (lambda d: d["helpline"].update(hours_text="Monday to Saturday, 9am to 5pm, UK time"), "must say"),
        (
            lambda d: d["topics"]["support_at_home"].update(
                more=d["topics"]["support_at_home"]["more"].replace("9am to 5pm", "8am to 6pm")
            ),
            "says 8am to 6pm",
        ),
    ],
)
def test_hours_that_disagree_with_the_structured_hours_fail_at_load(change: Any, problem: str) -> None:
    data = content()
    change(data)
    with pytest.raises(ContentError, match=problem):
        knowledge.parse(data)
