"""core.batchcache: work collected during a batch is done once, when it ends."""

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
