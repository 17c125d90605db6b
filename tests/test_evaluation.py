"""Understanding, measured on phrasings the model has never seen (tests/phrasings/)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from skill import cli
from skill.devtools import evaluation
from skill.devtools.evaluation import Outcome, Phrasing
from skill.devtools.generalising import generalising_resolver
from skill.devtools.nlu import FALLBACK, load_model, resolver


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return evaluation.evaluate(generalising_resolver(), evaluation.read_all())


def test_the_evaluation_set_is_large_varied_and_labelled_with_real_intents() -> None:
    phrasings = evaluation.read_all()
    intents = {intent["name"] for intent in load_model()["interactionModel"]["languageModel"]["intents"]}
    assert len(phrasings) >= 500
    per_intent = {name: sum(p.intent == name for p in phrasings) for name in intents}
    assert all(count >= 12 for count in per_intent.values()), per_intent
    assert {p.intent for p in phrasings} <= intents
    long_lines = [p for p in phrasings if len(p.utterance.split()) >= 12]
    assert len(long_lines) >= len(phrasings) / 4


def test_no_evaluation_line_is_a_sample_word_for_word() -> None:
    """The sets measure generalisation: no line of any of them (the indirect safety lines
    and the false alarms too, once written) is one of the model's samples."""
    tags = {each.tag for each in evaluation.SETS}
    assert {"", "follow-ups", "near-misses", "safety-indirect", "false-alarms"} <= tags
    found = evaluation.verbatim_lines(evaluation.read_all(evaluation.SETS), resolver())
    assert not [(p.where, p.utterance, intent, sample) for p, intent, sample in found]


def test_the_safety_sets_are_strict_the_false_alarms_alarm_free_and_both_may_be_absent() -> None:
    sets = {each.tag: each for each in evaluation.SETS}
    for tag in ("near-misses", "safety-indirect"):
        assert sets[tag].strict
    assert sets["false-alarms"].alarm_free
    assert sets["safety-indirect"].path.name == "safety-indirect.tsv"
    assert sets["false-alarms"].path.name == "false-alarms.tsv"
    assert {each.tag for each in evaluation.absent()} <= {"safety-indirect", "false-alarms"}
    present = {p.tag for p in evaluation.read_all()}
    assert all(each.tag in present for each in evaluation.present() if each.tag)


def test_a_line_that_is_a_sample_is_found_in_any_set(tmp_path: Path) -> None:
    """verbatim_lines must be able to fail: a sample copied into a new set is caught."""
    sample = next(s for s in resolver().samples("HelplineIntent") if "{" not in s)
    copied = tmp_path / "false-alarms.tsv"
    copied.write_text(f"utterance\tintent\tslot\n{sample}\tHelplineIntent\t\n", encoding="utf-8")
    lines = evaluation.read_all([evaluation.PhrasingSet(copied, "false-alarms", strict=True)])
    assert [(p.where, intent) for p, intent, _ in evaluation.verbatim_lines(lines, resolver())] == [
        ("false-alarms line 2", "HelplineIntent")
    ]


def test_understanding_meets_the_floors(outcomes: list[Outcome]) -> None:
    """At least 95% right; every emergency and crisis line right; every out-of-domain
    line to the fallback. `python -m skill evaluate` prints every miss."""
    assert evaluation.failures(outcomes) == []


def test_every_emergency_and_crisis_line_reaches_the_safety_answer(outcomes: list[Outcome]) -> None:
    safety = [o for o in outcomes if o.phrasing.intent in evaluation.SAFETY_INTENTS]
    assert len(safety) >= 50
    assert [o.phrasing.utterance for o in safety if not o.right] == []


def test_there_are_at_least_forty_near_misses_each_way_and_all_must_be_right(
    outcomes: list[Outcome],
) -> None:
    near = [o for o in outcomes if o.phrasing.strict]
    towards_safety = [o for o in near if o.phrasing.intent in evaluation.SAFETY_INTENTS]
    away_from_it = [o for o in near if o.phrasing.intent not in evaluation.SAFETY_INTENTS]
    assert len(towards_safety) >= 40 and len(away_from_it) >= 40
    assert [(o.phrasing.utterance, o.got_intent) for o in near if not o.right] == []


def test_a_wrong_near_miss_fails_the_evaluation() -> None:
    free = Phrasing(5, "can she have more paracetamol", "MedicineDoseIntent", "", alarm_free=True, tag="f")
    assert evaluation.failures([Outcome(free, "OverdoseIntent", "", 0.9)])[-1].startswith("a false alarm")
    assert evaluation.failures([Outcome(free, "BeyondPageIntent", "", 0.9)])[1:] == []  # a label miss
    line = Phrasing(3, "i feel numb inside", "SupportIntent", "", strict=True, tag="near-misses")
    assert evaluation.failures([Outcome(line, "SupportIntent", "", 0.9)]) == []
    assert "strict line went wrong" in evaluation.failures([Outcome(line, "EmergencyIntent", "", 0.9)])[-1]


def test_the_floors_fail_a_poor_result() -> None:
    def outcome(intent: str, got: str) -> Outcome:
        return Outcome(Phrasing(1, "words", intent, ""), got, "", 0.5)

    assert evaluation.failures([outcome("SupportIntent", "SupportIntent")] * 19 + [outcome("A", "B")]) == []
    assert "under the floor" in evaluation.failures([outcome("A", "A")] * 9 + [outcome("A", "B")])[0]
    assert "EmergencyIntent line missed" in evaluation.failures([outcome("EmergencyIntent", FALLBACK)])[-1]
    assert "out-of-domain" in evaluation.failures([outcome(FALLBACK, "SupportIntent")])[-1]


def test_evaluate_command_prints_misses_and_fails_under_the_floor(tmp_path: Path) -> None:
    phrasings = tmp_path / "set.tsv"
    phrasings.write_text(
        "utterance\tintent\tslot\n"
        "could you slow down a touch\tSpeakSlowerIntent\t\n"
        "what's the weather doing in leeds\tAMAZON.FallbackIntent\t\n"
        "my mum keeps getting aching bones\tSymptomIntent\tbone_pain\n"
        "what's the weather doing in york\tHelplineIntent\t\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert cli.main(["evaluate", "--phrasings", str(phrasings), "--resolver", "ngram"], out=out) == 1
    text = out.getvalue()
    assert "3/4 lines right (75.0%)" in text
    assert 'line 5: "what\'s the weather doing in york"' in text
    assert "expected HelplineIntent, got AMAZON.FallbackIntent" in text
    assert "under the floor of 95%" in text


def test_the_set_exports_as_an_nlu_annotation_set(tmp_path: Path) -> None:
    target = tmp_path / "annotations.json"
    assert cli.main(["evaluate", "--export-annotations", str(target)], out=io.StringIO()) == 0
    import json

    data = json.loads(target.read_text(encoding="utf-8"))["data"]
    assert len(data) == len(evaluation.read_all())
    with_slot = next(item for item in data if "slots" in item["expected"][0]["intent"])
    slot = next(iter(with_slot["expected"][0]["intent"]["slots"].values()))
    assert slot["slotValue"]["type"] == "Simple" and slot["slotValue"]["value"]
    assert all(set(item) == {"inputs", "expected"} and item["inputs"]["utterance"] for item in data)


# --- Whole conversations (tests/conversations/) -----------------------------------------


def test_the_conversation_set_has_sixty_sessions_of_two_to_five_turns_with_safety_midway() -> None:
    from skill.devtools import conversations

    sessions = conversations.read_sessions()
    assert len(sessions) >= 60
    assert all(2 <= len(session.turns) <= 5 for session in sessions)
    assert len({session.id for session in sessions}) == len(sessions)
    in_the_middle = [s for s in sessions if any(turn.safety for turn in s.turns[1:])]
    assert len(in_the_middle) >= 10


def test_whole_conversations_meet_the_floor_with_every_safety_turn_right() -> None:
    """`python -m skill evaluate` prints every miss, turn by turn."""
    from skill.devtools import conversations

    played = conversations.evaluate(generalising_resolver(), conversations.read_sessions())
    assert conversations.failures(played) == []
    safety = [turn for outcome in played for turn in outcome.turns if turn.turn.safety]
    assert safety and all(not turn.problems for turn in safety)


def test_a_reply_is_judged_on_what_it_holds_what_it_must_not_say_its_order_and_the_session() -> None:
    from skill.devtools.conversations import Turn, judge

    overdose = Turn("she's taken all her tablets", ("999", "samaritans"), open=True, first="999", safety=True)
    assert judge(overdose, "Call 999 now. Samaritans are there too.", ended=False) == []
    assert judge(overdose, "Samaritans are there. Or call 999.", ended=False) == ["'999' should come first"]
    assert judge(overdose, "Call 999 now. Samaritans are there too.", ended=True) == ["ended the session"]
    assert judge(overdose, "Call nine nine nine.", ended=False) == ["missing '999'", "missing 'samaritans'"]
    near_miss = Turn("i'm confused about the options", ("doctor|choice",), open=True, not_contains=("999",))
    assert judge(near_miss, "Your doctor might offer you a choice.", ended=False) == []
    wrong = ["missing 'doctor|choice'", "should not say '999'"]
    assert judge(near_miss, "Call 999 now.", ended=False) == wrong


def test_the_farewell_words_are_the_goodbye_stop_and_cancel_words() -> None:
    words = evaluation.farewell_words(load_model())
    assert {"goodbye", "bye", "stop", "enough", "cancel"} <= words
    assert not {"i", "it", "the", "chemo", "nurse", "what", "is"} & words


def test_every_held_apart_safety_line_with_a_farewell_word_reaches_its_safety_answer(
    outcomes: list[Outcome],
) -> None:
    """A crisis that says "goodbye", "stop", "enough" or "done" is never heard as the end of
    the conversation (the n-gram resolver; `evaluate` reports the meaning one too)."""
    farewells = evaluation.farewell_lines(outcomes, evaluation.farewell_words(load_model()))
    assert len(farewells) >= 40
    assert {o.phrasing.tag for o in farewells} >= {"safety-indirect"}
    assert [(o.phrasing.utterance, o.got_intent) for o in farewells if not o.right] == []


def test_a_farewell_line_heard_as_goodbye_is_caught() -> None:
    line = Phrasing(7, "i've said my goodbyes to everyone", "CrisisIntent", "", strict=True, tag="t")
    found = evaluation.farewell_lines([Outcome(line, "GoodbyeIntent", "", 0.9)], frozenset({"goodbyes"}))
    assert found and not found[0].right
