"""SSML: built in one place, escaped, and within Alexa's rules."""

from __future__ import annotations

import pytest

from skill.speech import Speech, escape, plain_text, validate


def test_text_is_escaped() -> None:
    ssml = Speech().say('Fish & chips <b> "quoted" it\'s').ssml()
    assert ssml == "<speak>Fish &amp; chips &lt;b&gt; &quot;quoted&quot; it&apos;s</speak>"
    assert validate(ssml) == []
    assert plain_text(ssml) == 'Fish & chips <b> "quoted" it\'s'


def test_escape_covers_all_five() -> None:
    assert escape("&<>\"'") == "&amp;&lt;&gt;&quot;&apos;"


def test_phone_number_is_read_group_by_group() -> None:
    ssml = Speech().phone_number(("0808", "800", "4040"), slowly=True).ssml()
    assert ssml == (
        '<speak><prosody rate="85%"><say-as interpret-as="digits">0808</say-as> <break time="400ms"/> '
        '<say-as interpret-as="digits">800</say-as> <break time="400ms"/> '
        '<say-as interpret-as="digits">4040</say-as></prosody></speak>'
    )
    assert validate(ssml) == []


def test_breaks_are_capped_at_ten_seconds() -> None:
    assert Speech().pause(60_000).ssml() == '<speak><break time="10000ms"/></speak>'


def test_slow_rate_wraps_everything() -> None:
    assert Speech().say("Hello.").ssml("slow") == '<speak><prosody rate="80%">Hello.</prosody></speak>'


@pytest.mark.parametrize(
    ("ssml", "problem"),
    [
        ("<speak>unclosed", "not well-formed"),
        ('<speak><break time="11s"/></speak>', "break time"),
        ('<speak><prosody rate="10%">x</prosody></speak>', "prosody rate"),
        ("<speak><audio src='x'/></speak>", "unexpected element"),
        ('<speak><say-as interpret-as="digits">12a</say-as></speak>', "say-as digits"),
        ("<p>no speak</p>", "root element"),
    ],
)
def test_validate_finds_what_alexa_would_refuse(ssml: str, problem: str) -> None:
    assert any(problem in found for found in validate(ssml))


def test_digits_only_take_digits() -> None:
    with pytest.raises(ValueError):
        Speech().digits("08O8")


def test_emergency_numbers_are_read_digit_by_digit() -> None:
    ssml = Speech().say("Call 999 now, or NHS 111. Open 9am to 5pm.").ssml()
    assert ssml == (
        '<speak>Call <say-as interpret-as="digits">999</say-as> now, or NHS '
        '<say-as interpret-as="digits">111</say-as>. Open 9am to 5pm.</speak>'
    )
    assert validate(ssml) == []
    assert plain_text(ssml) == "Call 999 now, or NHS 111. Open 9am to 5pm."
