"""The screens' documents: APL 1.4, plain components, data that fits, text escaped."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest

from skill import presentation
from skill.presentation import Button, Number, Screen, check_document, directive, styled

SCREEN = Screen(
    title="Bone pain",
    text="One & two < three\n- a bullet",
    source="Source: Cancer Research UK.",
    number=Number("Nurses", "0808 800 4040", "Monday to Friday"),
    next_heading="You could ask next",
    buttons=(Button("Pain", "pain"),),
)


def test_documents_load_and_pass_their_own_check() -> None:
    documents = presentation.load()
    assert check_document(documents.answer, documents.answer_data) == []


def test_documents_are_small_data_files() -> None:
    folder = resources.files("skill.presentation")
    for name in ("answer.json", "answer-data.json"):
        assert len(folder.joinpath(name).read_bytes()) < 16_000


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(version="1.6"), "version must be '1.4'"),
        (lambda d: d.update({"import": [{"name": "alexa-layouts", "version": "1.2.0"}]}), "'import'"),
        (lambda d: d["mainTemplate"]["items"][0]["items"].append({"type": "Image"}), "'Image'"),
        (
            lambda d: d["mainTemplate"]["items"][0]["items"].append(
                {"type": "TouchWrapper", "onPress": {"type": "OpenURL", "source": "x"}}
            ),
            "'OpenURL'",
        ),
        (
            lambda d: d["mainTemplate"]["items"][0]["items"].append(
                {"type": "Text", "text": "${payload.nope}"}
            ),
            "payload.nope",
        ),
    ],
)
def test_check_finds_what_a_document_may_not_use(change, problem) -> None:
    documents = presentation.load()
    document = copy.deepcopy(documents.answer)
    change(document)
    problems = check_document(document, documents.answer_data)
    assert any(problem in found for found in problems), problems


def test_styled_escapes_markup_and_keeps_lines() -> None:
    assert styled("a & b <c>") == "a &amp; b &lt;c&gt;"
    assert styled("one\n\n- two") == "one<br><br>\u2022 two"


def test_directive_fills_the_data_shape() -> None:
    rendered = directive(SCREEN)
    assert rendered.object_type == "Alexa.Presentation.APL.RenderDocument"
    assert rendered.token == presentation.TOKEN
    answer: Any = (rendered.datasources or {})["answer"]
    assert answer["text"] == "One &amp; two &lt; three<br>\u2022 a bullet"
    assert answer["number"] == {
        "shown": True,
        "label": "Nurses",
        "number": "0808 800 4040",
        "hours": "Monday to Friday",
    }
    assert answer["next"]["buttons"] == [{"label": "Pain", "topic": "pain"}]
    # The shape is copied, never changed: the next screen starts clean.
    assert presentation.load().answer_data["answer"]["next"]["buttons"] == []


def test_a_screen_without_a_number_hides_the_number() -> None:
    answer: Any = (directive(Screen(title="t", text="x", source="s")).datasources or {})["answer"]
    assert answer["number"]["shown"] is False
    assert answer["next"]["buttons"] == []
    assert answer["safety"] is False


def test_a_safety_screen_is_marked_so_and_carries_its_own_number() -> None:
    """The document shows it first and biggest, with no page credit and no buttons."""
    call = Number("Samaritans", "116 123")
    screen = Screen(title="t", text="x", number=call, safety=True)
    answer: Any = (directive(screen).datasources or {})["answer"]
    assert answer["safety"] is True
    assert answer["source"] == ""
    assert answer["number"] == {"shown": True, "label": "Samaritans", "number": "116 123", "hours": ""}


def test_the_safety_layout_comes_first_and_shows_the_number_before_the_words() -> None:
    """APL draws the first of mainTemplate's items whose ``when`` holds: the safety layout
    is first, and in it the number's frame comes before the words."""
    document = presentation.load().answer
    safety = document["mainTemplate"]["items"][0]
    assert safety["when"] == "${payload.answer.safety}"
    assert [item["type"] for item in safety["items"]] == ["Call", "ScrollView"]
    sizes = document["resources"]
    for dimensions in (resource["dimensions"] for resource in sizes):
        if "callSize" in dimensions and "answerSize" in dimensions:
            assert int(dimensions["callSize"][:-2]) > 2 * int(dimensions["titleSize"][:-2])
