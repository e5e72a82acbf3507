"""What a 46elks caller hears (rules C1, S5): 46elks has no text-to-speech, so the words
Twilio says with <Say> are spoken into WAV files (espeak-ng) and played by a signed
address: the welcome before the agents' phones ring, the callback offer with its
promised time, the thanks after pressing 1. With no renderer the call goes on without
words: connected at once, the shop's own recording offers the callback."""

import json
import shutil
import stat
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from django.urls import reverse

from kundsvar.channels.phone import speech, voice

from .conftest import connect
from .test_voice import CALL, elks_post

pytestmark = pytest.mark.django_db
OPEN = datetime(2027, 3, 17, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Stockholm
CLOSED = datetime(2027, 3, 17, 20, 0, tzinfo=UTC)  # Wednesday 21:00
FAKE_WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "


@pytest.fixture
def renderer(settings, tmp_path):
    """A stand-in for espeak-ng: writes a WAV header and notes what it was asked."""
    script = tmp_path / "speak"
    log = tmp_path / "spoken.txt"
    script.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >> {log}\nprintf \'RIFF$\\000\\000\\000WAVEfmt \'\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    settings.PHONE_SPEECH_COMMAND = str(script)
    return log


@pytest.fixture
def elks_agents(shop):
    return connect(
        shop,
        "46elks",
        agent_numbers="+46701111111, +46702222222",
        ivr_prompt_url="https://cdn.example/ring-upp.mp3",
    )


def _key(url: str) -> str:
    token = urlparse(url).path.rsplit("/", 1)[-1].removesuffix(".wav")
    return speech.links.unsign("speech", token, max_age_days=1)["k"]


def _wav(client, url: str) -> bytes:
    response = client.get(urlparse(url).path)
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    return b"".join(response.streaming_content)


@time_machine.travel(OPEN, tick=False)
def test_the_caller_hears_the_welcome_then_the_agents_phones_ring(client, elks_agents, renderer):
    answer = json.loads(elks_post(client, elks_agents, "elks_voice", CALL).content)
    assert answer["play"].startswith("http://testserver/hooks/phone/speech/")
    assert answer["play"].endswith(".wav")
    connect_ = answer["next"]  # then the same connect as without words
    assert connect_["connect"] == "+46701111111,+46702222222"
    assert connect_["next"].endswith(reverse("phone:elks_next", args=[elks_agents.hook_token]))
    assert answer["whenhangup"].endswith(
        reverse("phone:elks_hangup", args=[elks_agents.hook_token])
    )
    welcome = "Välkommen till Nätbutiken. Du kopplas nu till kundtjänst."
    assert _key(answer["play"]) == speech._key(welcome, "sv")
    assert _wav(client, answer["play"]) == FAKE_WAV
    assert renderer.read_text() == f"-v sv -s 150 --stdout {welcome}\n"


@time_machine.travel(OPEN, tick=False)
def test_nobody_answers_and_the_caller_hears_when_we_call_back(client, elks_agents, renderer):
    elks_post(client, elks_agents, "elks_voice", CALL)
    after = elks_post(
        client, elks_agents, "elks_next", {"callid": CALL["callid"], "result": "busy"}
    )
    answer = json.loads(after.content)
    assert answer["digits"] == 1
    assert answer["next"].endswith(reverse("phone:elks_ivr", args=[elks_agents.hook_token]))
    # The words Twilio says, with the promise: 6 working hours (S1), as in test_voice.
    offer = "Alla våra medarbetare är upptagna. Tryck 1 så ringer vi upp dig senast 16.00."
    assert voice._offer(elks_agents, OPEN, closed=False) == offer
    assert _key(answer["ivr"]) == speech._key(offer, "sv")
    # Read out as a time, not "sexton punkt noll noll".
    assert renderer.read_text().splitlines()[-1].endswith("ringer vi upp dig senast 16.")
    assert _wav(client, answer["ivr"]) == FAKE_WAV


@time_machine.travel(CLOSED, tick=False)
def test_closed_the_offer_is_spoken_and_pressing_1_is_thanked(client, elks_agents, renderer):
    answer = json.loads(elks_post(client, elks_agents, "elks_voice", CALL).content)
    assert "connect" not in answer and answer["ivr"] != elks_agents.ivr_prompt_url
    offer = voice._offer(elks_agents, CLOSED, closed=True)
    assert offer.startswith("Välkommen till Nätbutiken. Vi har stängt just nu. Tryck 1")
    assert _key(answer["ivr"]) == speech._key(offer, "sv")
    pressed = {"callid": CALL["callid"], "result": "1"}
    thanks = json.loads(elks_post(client, elks_agents, "elks_ivr", pressed).content)
    assert set(thanks) == {"play"}  # the words, then the call ends
    assert "Tack! Vi ringer dig senast torsdag" in renderer.read_text().splitlines()[-1]
    other = elks_post(client, elks_agents, "elks_ivr", {"callid": "c2", "result": "9"})
    assert json.loads(other.content) == {"hangup": "reject"}


@time_machine.travel(OPEN, tick=False)
def test_each_text_is_spoken_once(client, elks_agents, renderer):
    first = json.loads(elks_post(client, elks_agents, "elks_voice", CALL).content)
    second = json.loads(
        elks_post(client, elks_agents, "elks_voice", {**CALL, "callid": "c2"}).content
    )
    assert _key(first["play"]) == _key(second["play"])
    assert len(renderer.read_text().splitlines()) == 1


@time_machine.travel(OPEN, tick=False)
def test_without_a_renderer_the_call_goes_on_without_words(client, elks_agents, settings):
    settings.PHONE_SPEECH_COMMAND = "no-such-speaker"
    answer = json.loads(elks_post(client, elks_agents, "elks_voice", CALL).content)
    assert "play" not in answer and answer["connect"] == "+46701111111,+46702222222"
    after = elks_post(
        client, elks_agents, "elks_next", {"callid": CALL["callid"], "result": "failed"}
    )
    assert json.loads(after.content)["ivr"] == "https://cdn.example/ring-upp.mp3"
    thanks = elks_post(client, elks_agents, "elks_ivr", {"callid": CALL["callid"], "result": "1"})
    assert json.loads(thanks.content) == {"hangup": "reject"}


def test_a_wrong_or_expired_speech_address_plays_nothing(client, renderer, rf):
    with time_machine.travel(OPEN, tick=False):
        url = speech.url(rf.get("/"), "Hej", "sv")
        assert client.get(urlparse(url).path).status_code == 200
        assert client.get(urlparse(url).path.replace(".wav", "x.wav")).status_code == 404
        forged = speech.links.sign("speech", {"k": "../../settings"})
        assert client.get(reverse("phone:speech", args=[forged])).status_code == 404
    with time_machine.travel(OPEN + timedelta(days=1, minutes=1), tick=False):
        assert client.get(urlparse(url).path).status_code == 404


@pytest.mark.parametrize(
    ("language", "text", "said"),
    [
        ("sv", "Vi ringer dig senast 14.30.", "Vi ringer dig senast 14:30."),
        ("sv", "senast tisdag 24 november kl. 09.00", "senast tisdag 24 november klockan 9"),
        ("nb", "senest kl. 08.15", "senest klokken 8:15"),
    ],
)
def test_times_are_read_as_times(language, text, said):
    assert speech.spoken(text, language) == said


def test_espeak_ng_speaks_swedish_into_a_wav(settings, rf, client):
    if shutil.which("espeak-ng") is None:  # a failure, not a skip: ./dev test installs it
        pytest.fail("espeak-ng is missing: ./dev test installs Debian's espeak-ng")
    settings.PHONE_SPEECH_COMMAND = "espeak-ng"
    url = speech.url(rf.get("/"), "Du kopplas nu till kundtjänst.", "sv")
    audio = _wav(client, url)
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE" and len(audio) > 10_000
