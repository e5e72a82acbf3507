"""The FAQ panel beside the composer is the knowledge app's: its tests here use that
app's fixtures (a shop with the demo FAQ, an agent, articles made as if committed)."""

from kundsvar.knowledge.tests.conftest import (  # noqa: F401 — fixtures
    agent,
    committed,
    make_article,
    other_shop,
    shop,
)
