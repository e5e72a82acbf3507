"""The raw store (rule A6) makes its folders when a write finds them missing, instead of
asking for each one before every write (issue #11): a new store, a folder removed under
it, the same bytes twice. No database is used."""

import os
import shutil

from kundsvar.channels.email import rawstore


def test_a_new_store_makes_its_folders_on_the_first_write():
    assert not rawstore.root().exists()
    sha = rawstore.put(b"Subject: Hej\r\n\r\nVar \xc3\xa4r paketet?")
    assert rawstore.get(sha) == b"Subject: Hej\r\n\r\nVar \xc3\xa4r paketet?"
    assert rawstore.path_for(sha) == rawstore.root() / sha[:2] / sha[2:4] / f"{sha}.eml"
    # The temporary file, made beside it, was renamed: nothing else in the folder.
    assert os.listdir(rawstore.root() / sha[:2] / sha[2:4]) == [f"{sha}.eml"]


def test_folders_removed_under_a_running_process_are_made_again():
    first = rawstore.put(b"one")
    shutil.rmtree(rawstore.root() / first[:2])
    assert rawstore.put(b"one") == first  # stored again, not taken for stored
    assert rawstore.get(first) == b"one"
    shutil.rmtree(rawstore.root())
    assert rawstore.put(b"one") == first
    assert rawstore.get(first) == b"one"
    # A body streamed in (HTTP) goes through tmp/, made again too.
    rawstore.put_stream([b"two"])
    shutil.rmtree(rawstore.root() / "tmp")
    assert rawstore.put_stream([b"three"])[0] == rawstore.put(b"three")


def test_the_same_bytes_twice_are_one_file_and_leave_no_temporary():
    sha, size, complete = rawstore.put_stream([b"Subject: x\r\n", b"\r\nHej"])
    assert (sha, size, complete) == (rawstore.put(b"Subject: x\r\n\r\nHej"), 17, True)
    again = rawstore.put_stream([b"Subject: x\r\n\r\nHej"])
    assert again == (sha, 17, True)
    assert os.listdir(rawstore.root() / "tmp") == []
    assert rawstore.put_stream([b"abc", b"def"], limit=4) == (
        rawstore.put(b"abcd"),
        4,
        False,
    )


def test_the_same_bytes_stored_meanwhile_leave_no_temporary(monkeypatch):
    """Another process stored the same message between the check and the rename."""
    raw = b"Subject: samtidigt\r\n\r\nHej"
    real = rawstore._install

    def stored_meanwhile(temporary, target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as other:
            other.write(raw)
        return real(temporary, target)

    monkeypatch.setattr(rawstore, "_install", stored_meanwhile)
    sha = rawstore.put(raw)
    assert rawstore.get(sha) == raw
    assert os.listdir(rawstore.root() / sha[:2] / sha[2:4]) == [f"{sha}.eml"]
