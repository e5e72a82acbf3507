"""The acknowledgement is written straight to bytes (`mimetext.write_alternative`), not
through the stdlib's EmailMessage (about 2 ms a message less, issue #11). The bytes must
read back as what the stdlib would have built: the same headers, the same bodies."""

import email

import pytest

from kundsvar.channels.email import emails, mimetext

TEXT = (
    "Hej Åsa!\n\nTack för din fråga. " + "Ett långt stycke utan radbrytning " * 12 + "\n"
    "Rad med blanksteg på slutet   \n> citat =?utf-8?q?inte_kodat?= och = tecken\n"
    ".punkt först\nFrom en rad som börjar så\n😀 emoji"
)
HTML = '<p style="color:#123">Hej Åsa!</p>\n<p>' + "långt " * 40 + "</p>"


def headers(**changes) -> list[tuple[str, str]]:
    values = {
        "From": email.utils.formataddr(("Nätbutiken Åre", "kundtjanst@natbutiken.example")),
        "To": "asa@example.se",
        "Reply-To": email.utils.formataddr(
            ("Nätbutiken Åre", "kundtjanst+10001@natbutiken.example")
        ),
        "Subject": "Nätbutiken: Vi har tagit emot din fråga – Leverans är sen [#10001] " * 2,
        "Date": "Mon, 23 Nov 2026 09:00:00 +0000",
        "Message-ID": "<0123abcd.k10001@natbutiken.example>",
        "In-Reply-To": "<original@gmail.com>",
        "References": " ".join(f"<{i}.a-long-message-id@mail.gmail.com>" for i in range(12)),
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    }
    values.update(changes)
    return list(values.items())


def parsed(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def test_the_written_mail_reads_back_as_the_stdlib_builds_it():  # A1
    written = mimetext.write_alternative(
        headers(),
        TEXT,
        HTML,
        from_address="kundtjanst@natbutiken.example",
        to_address="asa@example.se",
    )
    assert written is not None
    fast = parsed(written.mime)
    slow = parsed(emails._assemble(headers(), TEXT, HTML).as_bytes(policy=mimetext.SMTP))
    for name, _ in headers():
        assert str(fast[name]) == str(slow[name]), name
    for kind in ("plain", "html"):
        assert fast.get_body((kind,)).get_content() == slow.get_body((kind,)).get_content()
    assert fast.get_content_type() == "multipart/alternative"
    assert written.subject == str(slow["Subject"])
    assert written.message_id == "<0123abcd.k10001@natbutiken.example>"
    assert all(len(line) <= 998 for line in written.mime.split(b"\r\n"))
    assert b"\n" not in written.mime.replace(b"\r\n", b"")  # CRLF only, as SMTP wants


@pytest.mark.parametrize(
    ("changes", "to"),
    [
        ({"To": "åsa@exempel.se"}, "åsa@exempel.se"),  # SMTPUTF8: the stdlib decides
        ({"In-Reply-To": "<a\r\nBcc: x@evil.example>"}, "asa@example.se"),  # no injection
    ],
)
def test_what_the_writer_does_not_take_is_left_to_the_stdlib(changes, to):
    written = mimetext.write_alternative(
        headers(**changes), TEXT, HTML, from_address="kundtjanst@natbutiken.example", to_address=to
    )
    assert written is None
