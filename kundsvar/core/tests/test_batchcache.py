"""core.batchcache: work collected during a batch is done once, when it ends."""

import pytest

from kundsvar.core import batchcache


def test_work_collected_in_a_batch_is_done_once_at_its_end():
    done: list[list] = []
    with batchcache.batch():
        assert batchcache.after_batch("index", [3, 1], done.append)
        assert batchcache.after_batch("index", [1, 2], done.append)
        assert done == []  # nothing yet: the batch is still going
    assert done == [[3, 1, 2]]  # in order, each once


def test_outside_a_batch_the_caller_does_the_work_itself():
    done: list[list] = []
    assert not batchcache.after_batch("index", [1], done.append)
    assert done == []


def test_a_nested_batch_leaves_the_work_to_the_outer_one():
    done: list[list] = []
    with batchcache.batch():
        with batchcache.batch():
            batchcache.after_batch("send", [7], done.append)
        assert done == []
    assert done == [[7]]


def test_work_collected_is_done_even_when_the_batch_fails_and_one_failure_stops_no_other():
    done: list[list] = []

    def broken(items):
        raise RuntimeError("queue down")

    try:
        with batchcache.batch():
            batchcache.after_batch("index", [1], broken)
            batchcache.after_batch("send", [2], done.append)
            raise ValueError("a message died")
    except ValueError:
        pass
    assert done == [[2]]  # the stored messages' follow-up work is not lost


class _Loads:
    """A loader that counts how often it really loads."""

    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return self.count


def _at(monkeypatch, seconds: float) -> None:
    monkeypatch.setattr(batchcache, "_clock", lambda: seconds)


@pytest.mark.parametrize(
    ("later", "loads"),
    [
        (batchcache.KEEP_SECONDS - 0.1, 1),  # handed to the next batch, not loaded again
        # Older than the limit: loaded again, so another process's change (the owner's
        # new opening hours) is seen within KEEP_SECONDS.
        (batchcache.KEEP_SECONDS, 2),
    ],
)
def test_a_carrying_batch_hands_what_it_loaded_to_the_next_for_a_while(
    monkeypatch, later, loads
):  # S1, S2
    load = _Loads()
    _at(monkeypatch, 100.0)
    with batchcache.batch(carry=True):
        assert batchcache.cached(1, ("hours",), load) == 1
    _at(monkeypatch, 100.0 + later)
    with batchcache.batch(carry=True):
        assert batchcache.cached(1, ("hours",), load) == loads
    assert load.count == loads


def test_a_batch_that_does_not_carry_starts_empty_and_leaves_nothing(monkeypatch):
    load = _Loads()
    _at(monkeypatch, 100.0)
    with batchcache.batch(carry=True):
        batchcache.cached(1, ("policy",), load)
    with batchcache.batch():  # the web, a single task: loads afresh
        assert batchcache.cached(1, ("policy",), load) == 2
        batchcache.cached(1, ("topics",), load)
    with batchcache.batch(carry=True):
        assert batchcache.cached(1, ("policy",), load) == 1
        assert batchcache.cached(1, ("topics",), load) == 4  # not the plain batch's


def test_a_change_between_batches_drops_the_shops_carried_values(monkeypatch):  # S1, S2
    load = _Loads()
    _at(monkeypatch, 100.0)
    with batchcache.batch(carry=True):
        batchcache.cached(1, ("policy",), load)
        batchcache.cached(2, ("policy",), load)
    batchcache.forget(1)  # a service saved shop 1's policy, outside any batch
    with batchcache.batch(carry=True):
        assert batchcache.cached(1, ("policy",), load) == 3
        assert batchcache.cached(2, ("policy",), load) == 2  # the other shop's stands


def test_each_thread_carries_its_own(monkeypatch):
    import threading

    load = _Loads()
    _at(monkeypatch, 100.0)
    with batchcache.batch(carry=True):
        batchcache.cached(1, ("policy",), load)
    seen = []

    def other():
        with batchcache.batch(carry=True):
            seen.append(batchcache.cached(1, ("policy",), load))

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [2]
