"""clean_inbound reads the Message columns' lengths once (issue #11), not for every
message. Django builds a model's fields once, when the app registry loads; they do not
change while the process runs, so the lengths read once are the columns' lengths."""

from kundsvar.cases.models import Message
from kundsvar.cases.services import Inbound, _limits, clean_inbound


def test_the_lengths_read_once_are_the_columns_lengths():
    fresh = {f.name: getattr(f, "max_length", None) for f in Message._meta.fields}
    assert _limits() == {**fresh, "to_addresses": 320}
    assert _limits() is _limits()


def test_every_text_is_cut_to_its_column_and_freed_of_nul():
    cleaned = clean_inbound(
        Inbound(
            from_address="karin@example.se",
            body_text="Hej\x00då",
            subject="x" * 2000,
            to_addresses=["a" * 400 + "@example.se"],
        )
    )
    assert cleaned.body_text == "Hej\ufffddå"
    assert len(cleaned.subject) == Message._meta.get_field("subject").max_length
    assert [len(a) for a in cleaned.to_addresses] == [320]
