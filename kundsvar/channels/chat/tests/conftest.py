import pytest

from .. import services


@pytest.fixture(autouse=True)
def _forget_typing():
    """The typing throttle lives in the process; a test's chat 1 is not the last one's."""
    services._typed.clear()
    yield
    services._typed.clear()
