"""Provenance: every sentence of the content names the page text it rests on, `check`
holds it there, `source-diff` says which answers a new copy of the page unsettles; and the
fidelity rules of docs/behaviour.md §1.2, each held by a test that quotes the page."""

from __future__ import annotations

import io
import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from skill import cli, dialogue, knowledge
from skill.devtools import check, provenance
from skill.devtools.nlu import load_model
from tests.conftest import Conversation

PAGE = provenance.read_page()


def content() -> dict:
    return tomllib.loads(resources.files("skill.knowledge").joinpath("topics.toml").read_text())


def flat(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def heard_as(text: str) -> str:
    """Flattened, with contractions spelt out, so that "isn't" keeps its "not"."""
    text = flat(text)
    for short, long in (("won't", "will not"), ("isn't", "is not"), ("doesn't", "does not"), ("n't", " not")):
        text = text.replace(short, long)
    return text


def on_the_page(quote: str) -> None:
    assert flat(quote) in flat(PAGE), f"the test must quote the page: {quote!r}"


# --- The splitter ------------------------------------------------------------------------


def test_sentences_split_after_full_stops_and_at_every_line_of_a_card() -> None:
    card = "Treatment can help. This might be:\n- bisphosphonates to help with bone pain\n\nAsk? Yes! Done."
    assert provenance.sentences(card) == [
        "Treatment can help.",
        "This might be:",
        "bisphosphonates to help with bone pain",
        "Ask?",
        "Yes!",
        "Done.",
    ]


# --- Check -------------------------------------------------------------------------------


def test_every_sentence_of_the_real_content_is_traced_to_the_page() -> None:
    known = knowledge.load()
    entries = provenance.load()
    assert provenance.problems(known, entries, PAGE) == []
    traced, no_fact = provenance.counts(known, entries)
    assert traced > 250 and 0 < no_fact < traced


def test_check_prints_how_many_sentences_are_traced() -> None:
    out = io.StringIO()
    assert cli.main(["check"], out=out) == 0
    assert re.search(r"provenance: \d+ sentences traced to the page, \d+ marked no fact", out.getvalue())


def test_a_sentence_without_an_entry_fails_the_check_naming_it() -> None:
    data = content()
    data["topics"]["wound"]["speech"] += " Dressings heal every wound."
    known = knowledge.parse(data)
    problems = check.run(load_knowledge=lambda: known)
    assert "provenance: topics.wound.speech: no entry for 'Dressings heal every wound.'" in problems


def test_a_quote_not_on_the_page_fails_the_check_naming_the_topic() -> None:
    entries = provenance.load()
    entries["bone_pain"]["Bone pain can be helped by bisphosphonates."] = ("bisphosphonates cure bone pain",)
    problems = check.run(load_provenance=lambda: entries)
    assert problems == [
        "provenance: [bone_pain] 'Bone pain can be helped by bisphosphonates.' cites "
        "'bisphosphonates cure bone pain', which the page lacks"
    ]


def test_a_quote_matches_the_page_whatever_its_case_and_white_space() -> None:
    assert provenance.on_page("BISPHOSPHONATES  to help\nwith bone pain", PAGE)
    assert not provenance.on_page("   ", PAGE)


def test_an_entry_for_a_sentence_that_no_longer_exists_fails_as_stale() -> None:
    entries = provenance.load()
    entries["wound"]["Dressings were once the only way."] = ("medicated dressings",)
    entries["no_such_topic"] = {"A sentence.": ()}
    problems = check.run(load_provenance=lambda: entries)
    assert problems == [
        "provenance: [wound] 'Dressings were once the only way.' is stale: no such sentence in the topic",
        "provenance: [no_such_topic] 'A sentence.' is stale: no such sentence in the topic",
    ]


@pytest.mark.parametrize("value", [42, [], [""], ["a quote", 3], "  "])
def test_a_malformed_entry_is_refused(value: object) -> None:
    with pytest.raises(provenance.ProvenanceError, match=r"\[wound\] 'A sentence.'"):
        provenance.parse({"wound": {"A sentence.": value}})


def test_no_fact_is_marked_with_the_exact_words() -> None:
    assert provenance.parse({"wound": {"Ask me.": "no fact"}}) == {"wound": {"Ask me.": ()}}


# --- Source diff -------------------------------------------------------------------------


def source_diff(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(["source-diff", str(path)], out=out), out.getvalue()


def test_source_diff_names_the_topics_resting_on_a_changed_sentence(tmp_path: Path) -> None:
    old = "Bisphosphonates can slow down bone damage and also lower calcium levels in the blood."
    as_on_page = re.compile(r"\s+".join(map(re.escape, old.split())))  # the page has no-break spaces
    assert len(as_on_page.findall(PAGE)) == 1
    new_page = tmp_path / "page.txt"
    new_page.write_text(as_on_page.sub("Bisphosphonates may slow down bone damage.", PAGE), encoding="utf-8")
    code, report = source_diff(new_page)
    assert code == 1
    named = set(re.findall(r"^topics\.(\w+):$", report, re.MULTILINE))
    assert {"bisphosphonates", "bone_pain", "spread_bones"} <= named
    assert "what_is" not in named and "choices" not in named
    assert (
        "  speech: 'They can help with bone pain, slow down bone damage, and lower calcium levels" in report
    )
    assert f"    no longer on the page: {old.rstrip('.')!r}" in report


def test_source_diff_on_the_unchanged_page_says_nothing_changed(tmp_path: Path) -> None:
    same = tmp_path / "page.txt"
    same.write_text("  ".join(PAGE.split("\n")).upper(), encoding="utf-8")  # white space and case only
    assert source_diff(same) == (0, "source-diff: every cited text is still on the page: nothing changed\n")


def test_source_diff_on_an_unreadable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "page.pdf"
    binary.write_bytes(b"\xff\xfe\x00not text")
    assert source_diff(tmp_path / "missing.txt")[0] == 2
    assert source_diff(binary)[0] == 2
    assert "source-diff: cannot read" in capsys.readouterr().err


# --- The fidelity rules of docs/behaviour.md §1.2, each against the page -------------------


def every_text() -> list[tuple[str, str]]:
    """(where, text) for everything the skill can say or show: every field of every topic
    and every phrasing of the dialogue."""
    texts = [
        (f"topics.{topic.id}.{field}", getattr(topic, field))
        for topic in knowledge.load().topics.values()
        for field in provenance.FIELDS
    ]
    words = dialogue.load()
    texts += [(f"dialogue.{key}", text) for key in sorted(words.keys) for text in words.phrasings(key)]
    return texts


def every_sentence() -> list[tuple[str, str]]:
    return [(where, sentence) for where, text in every_text() for sentence in provenance.sentences(text)]


def test_bisphosphonates_help_with_bone_pain_never_pain_in_general() -> None:
    on_the_page("bisphosphonates to help with bone pain")
    for where, sentence in every_sentence():
        said = flat(sentence)
        assert not re.search(r"help(s|ing)? with (the )?pain", said), where
        if "bisphosphonate" in said and "pain" in said:
            assert "bone pain" in said or "pain in your bones" in said, (where, sentence)


def test_every_answer_about_brain_surgery_says_the_cancer_must_be_small_and_you_fit_enough() -> None:
    """The caveat may be the next sentence of the same answer, as on the page."""
    on_the_page(
        "you might have surgery before radiotherapy to remove a small cancer that has spread to the brain"
    )
    on_the_page("The cancer needs to be small and you also have to be fit enough to have surgery")
    about_brain_surgery = [(w, t) for w, t in every_text() if "surgery" in flat(t) and "brain" in flat(t)]
    assert len(about_brain_surgery) >= 5
    for where, text in about_brain_surgery:
        assert "the cancer needs to be small" in flat(text), where
        assert "fit enough" in flat(text), where


def test_no_sentence_defines_targeted_therapy() -> None:
    """The page lists "targeted therapy" and names "targeted cancer drugs", and defines neither."""
    on_the_page("targeted therapy")
    on_the_page("radiotherapy and targeted cancer drugs can all help to control symptoms")
    for where, sentence in every_sentence():
        said = flat(sentence)
        assert "uses targeted" not in said, where
        assert not re.search(
            r"targeted therapy (is|means|uses|works with) (a |the )?(targeted|drug|medicine)", said
        ), where


def test_no_sentence_says_spread_to_the_bones_causes_bone_pain() -> None:
    """The page says spread to other parts of the body might cause symptoms, such as pain in
    your bones; it does not link spread to the bones with bone pain."""
    on_the_page("Breast cancer that has spread to other parts of the body might cause symptoms")
    on_the_page("This might include problems with pain in your bones")
    for where, sentence in every_sentence():
        said = flat(sentence)
        if re.search(r"spread (in)?to (the|your) bones", said):
            assert "caus" not in said, (where, sentence)


def test_the_choices_never_promise_what_a_treatment_involves_day_to_day() -> None:
    on_the_page("think about the other factors involved in each treatment, such as")
    for where, text in every_text():
        assert not re.search(r"day[ -]to[ -]day", flat(text)), where
    choices = knowledge.load().topics["choices"]
    assert "day to day" not in flat(choices.speech + choices.more + choices.card)


def test_the_symptom_control_team_always_comes_with_deciding_not_to_have_treatment() -> None:
    """On the page the referral sits in the section 'If you decide not to have treatment'."""
    heading, referral = "If you decide not to have treatment", "refer you to a local symptom control team"
    on_the_page(heading)
    on_the_page(referral)
    assert PAGE.index(heading) < PAGE.index(referral) < PAGE.index("Support at home")
    mentions = [(w, t) for w, t in every_text() if "symptom control team" in flat(t)]
    assert len(mentions) >= 6
    for where, text in mentions:
        assert "decide not to have" in heard_as(text), where


def test_no_example_prompt_makes_the_user_say_the_cancer_has_spread() -> None:
    """'Say: bones' is gentler than making someone say out loud that it has spread."""
    on_the_page("bisphosphonates to treat spread to the bones")
    for where, text in every_text():
        assert "it has spread to the bones" not in flat(text), where
        for prompt in re.findall(r"\bsay:? ([^.?!]*)", flat(text)):
            assert "spread" not in prompt, (where, prompt)
    assert "say: bones." in flat(knowledge.load().topics["where_spread"].speech)


# --- The answers a nurse would sign: each reworded where the page is the reason ----------------


def test_targeted_therapy_is_answered_from_what_the_page_says_of_targeted_cancer_drugs() -> None:
    """The page lists targeted therapy among the treatments and targeted cancer drugs among
    those that control symptoms; a listener asking about targeted therapy means the drugs.
    The answer says what the page says of them, and never that the information does not
    describe it at all."""
    on_the_page("You might have:")
    on_the_page("targeted therapy")
    on_the_page("hormone therapy, radiotherapy and targeted cancer drugs can all help to control symptoms")
    targeted = knowledge.load().topics["targeted_therapy"]
    for text in (targeted.speech, targeted.card):
        assert "targeted cancer drugs" in flat(text)
        assert "help to control symptoms" in flat(text)
    assert "does not describe it in detail" not in heard_as(targeted.speech)
    hormone = knowledge.load().topics["hormone_therapy"]
    assert "targeted cancer drugs" in flat(hormone.speech)  # the page's words, as there


def test_bisphosphonates_are_never_said_to_treat_the_cancer() -> None:
    """The page: bisphosphonates "to treat spread to the bones", "to help with bone pain",
    and they "can slow down bone damage and also lower calcium levels in the blood". Never
    that they treat breast cancer; the answer says what they do."""
    on_the_page("bisphosphonates to treat spread to the bones")
    on_the_page("bisphosphonates to help with bone pain")
    on_the_page("Bisphosphonates can slow down bone damage and also lower calcium levels in the blood")
    for where, sentence in every_sentence():
        said = flat(sentence)
        if "bisphosphonate" in said:
            assert not re.search(r"\btreats? (breast )?cancer\b", said), (where, sentence)
            assert "treat breast cancer that has spread" not in said, (where, sentence)
    answer = flat(knowledge.load().topics["bisphosphonates"].speech)
    for what in ("bone pain", "slow down bone damage", "lower calcium levels in the blood"):
        assert what in answer


def test_what_treatment_depends_on_always_names_the_size_of_the_cancer_first() -> None:
    """The page: "Treatment depends on: the size of the cancer and where it is in the body,
    the treatment you have already had, your general health"."""
    on_the_page("Treatment depends on:")
    factors = ("the size of the cancer and where it is in the body", "already had", "your general health")
    for factor in factors:
        on_the_page(factor)
    assert [PAGE.index(f) for f in factors] == sorted(PAGE.index(f) for f in factors)
    listed = [(w, s) for w, s in every_sentence() if "depends on" in flat(s) and "general health" in flat(s)]
    assert len(listed) >= 8
    for where, sentence in listed:
        said = flat(sentence)
        assert [said.index(f) for f in factors] == sorted(said.index(f) for f in factors), (where, sentence)
    assert "the size of the cancer" in flat(knowledge.load().topics["spread_bones"].more)


def test_medicated_dressings_are_only_for_a_wound_at_the_tumour_site() -> None:
    """The page: "medicated dressings if you have a wound at your tumour site", not for any
    wound."""
    on_the_page("medicated dressings if you have a wound at your tumour site")
    mentions = [(w, s) for w, s in every_sentence() if re.search(r"\b(dressings|wound)\b", flat(s))]
    assert len(mentions) >= 10
    for where, sentence in mentions:
        assert "tumour" in flat(sentence), (where, sentence)


#: Words that say when the line is open.
_HOURS = re.compile(r"\{(hours|opens|closes)\}|\b(monday|9am)\b")


def test_free_to_call_is_never_heard_as_free_only_in_the_opening_hours() -> None:
    """The line is freephone ([helpline] in topics.toml, and the page's "freephone 0808 800
    4040"): free whenever it is open. A sentence that says it is free and when it is open
    puts "open" between the two, unless it is the page's own sentence."""
    on_the_page("freephone 0808 800 4040")
    assert knowledge.load().helpline.freephone
    for where, sentence in every_sentence():
        said = flat(sentence)
        free, hours = re.search(r"\bfree", said), _HOURS.search(said)
        if free is None or hours is None or hours.start() < free.start() or on_the_page_as_is(sentence):
            continue
        assert "open" in said[free.end() : hours.start()], (where, sentence)


def on_the_page_as_is(sentence: str) -> bool:
    return provenance.on_page(sentence.rstrip("."), PAGE)


def test_the_crisis_answer_never_makes_the_nurse_line_sound_open_day_and_night() -> None:
    """Samaritans are there any time, day or night; the nurse line is open Monday to Friday,
    9am to 5pm (the page: "from Monday to Friday, 9am to 5pm"). Where a safety answer names
    the nurses after Samaritans, it says they are there in their opening hours."""
    on_the_page("from Monday to Friday, 9am to 5pm")
    words = dialogue.load()
    for key in ("crisis", "crisis_card", "crisis_reprompt", "overdose", "overdose_card"):
        for sentence in (s for text in words.phrasings(key) for s in provenance.sentences(text)):
            said = flat(sentence)
            if "cancer research uk nurses" in said:
                assert "any time" not in said and "day or night" not in said, (key, sentence)
                assert "opening hours" in said or "{hours}" in said, (key, sentence)
    assert "in their opening hours" in flat(words.say("crisis"))


def test_a_question_about_a_cure_is_acknowledged_as_the_big_question() -> None:
    """The page never speaks of a cure, nor says that a treatment slows the cancer: it says
    treatments "can help to reduce symptoms and might make you feel better". So "is there a
    cure, or treatment to slow it?" is the big question, acknowledged first with the
    doctor and the nurses (docs/behaviour.md §5), never a list of treatments that drops it."""
    assert not re.search(r"\bcur(e|ed|able)\b", flat(PAGE))
    assert "slow it" not in flat(PAGE) and flat(PAGE).count("slow") == 1  # bone damage only
    on_the_page("can help to reduce symptoms and might make you feel better")
    for question in ("is there a cure, or treatment to slow it?", "is there a cure for secondary cancer"):
        heard = Conversation().say(question)
        assert heard.speech.startswith(dialogue.load().say("prognosis")), question
    for intent in load_model()["interactionModel"]["languageModel"]["intents"]:
        if intent["name"] in ("PrognosisIntent", "AMAZON.FallbackIntent"):
            continue
        for sample in intent.get("samples", []):
            assert not re.search(r"\bcur(e|ed|able)\b", sample), (intent["name"], sample)


# --- The dialogue's provenance -----------------------------------------------------------------


def dialogue_data() -> dict:
    return tomllib.loads(resources.files("skill.dialogue").joinpath("en-GB.toml").read_text())


def test_every_dialogue_sentence_names_what_it_rests_on() -> None:
    words, entries = dialogue.load(), provenance.load_dialogue()
    assert provenance.dialogue_problems(words, entries, knowledge.load(), PAGE) == []
    traced, no_fact = provenance.dialogue_counts(words, entries)
    assert traced > 60 and no_fact > 60


def test_a_dialogue_sentence_with_a_fact_and_no_provenance_fails_the_check() -> None:
    data = dialogue_data()
    data["crisis"] += " Samaritans also answer emails."
    data["welcome"] += " Chemotherapy cures it."
    words = dialogue.parse("en-GB", data)
    problems = check.run(load_dialogue=lambda: words)
    assert problems == [
        "provenance: dialogue.crisis: no entry for 'Samaritans also answer emails.'",
        "provenance: dialogue.welcome: no entry for 'Chemotherapy cures it.'",
    ]


def test_a_dialogue_sentence_marked_no_fact_that_states_one_fails_the_check() -> None:
    entries = provenance.load_dialogue()
    sentence = "You can talk to Samaritans, free, any time, day or night, on 116 123."
    entries["crisis"][sentence] = ()
    problems = check.run(load_dialogue_provenance=lambda: entries)
    assert problems == [
        f"dialogue provenance: [crisis] {sentence!r} is marked 'no fact' but states a fact ('Samaritans'): "
        "cite the page, [helpline] or [services]"
    ]


def test_a_number_the_skill_does_not_know_or_does_not_cite_fails_the_check() -> None:
    data = dialogue_data()
    data["goodbye_after_crisis"] = data["goodbye_after_crisis"].replace("116 123", "116 124")
    data["emergency_now_reprompt"] = "If you haven't yet, call 111 now."
    entries = provenance.load_dialogue()
    wrong = "Samaritans are there for you, free, any time, day or night, on 116 124."
    entries["goodbye_after_crisis"][wrong] = ("[services.samaritans]",)
    entries["emergency_now_reprompt"] = {"If you haven't yet, call 111 now.": ("[services.emergency]",)}
    problems = check.run(
        load_dialogue=lambda: dialogue.parse("en-GB", data), load_dialogue_provenance=lambda: entries
    )
    assert (
        f"dialogue provenance: [goodbye_after_crisis] {wrong!r} says '116 124', "
        "which is no number in [helpline] or [services]"
    ) in problems
    assert (
        "dialogue provenance: [emergency_now_reprompt] \"If you haven't yet, call 111 now.\" "
        "says '111' but does not cite [services.nhs_111]"
    ) in problems


@pytest.mark.parametrize(
    ("cited", "problem"),
    [
        ("[services.ambulance]", "but there is no [services.ambulance] in topics.toml"),
        ("[helpline] address", "but [helpline] has no fact 'address': one of ['freephone', 'hours', 'num"),
        ("[helpline]", "which is not '[helpline] number|freephone|hours' or '[services.ID]'"),
    ],
)
def test_a_reference_to_a_fact_the_content_does_not_write_down_fails(cited: str, problem: str) -> None:
    entries = provenance.load_dialogue()
    entries["emergency_now"]["Call 999 now."] = ("[services.emergency]", cited)
    problems = check.run(load_dialogue_provenance=lambda: entries)
    (found,) = problems
    where = "dialogue provenance: [emergency_now] 'Call 999 now.'"
    assert found.startswith(f"{where} cites {cited!r}, {problem}")


def test_source_diff_names_the_dialogue_keys_resting_on_a_changed_sentence(tmp_path: Path) -> None:
    old = "For information and support you can contact our Cancer Research UK nurses"
    assert PAGE.count(old) == 1
    new_page = tmp_path / "page.txt"
    new_page.write_text(PAGE.replace(old, "Our nurses can help"), encoding="utf-8")
    code, report = source_diff(new_page)
    assert code == 1
    assert "dialogue.helpline_about:" in report.splitlines()
    assert "  'The Cancer Research UK nurses are there for information and support.'" in report
