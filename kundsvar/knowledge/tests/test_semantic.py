"""Optional semantic re-ranking (off by default): the e5 model re-orders the lexical
candidates; article vectors are cached on the row."""

import pytest

from kundsvar.knowledge import queries, semantic
from kundsvar.knowledge.models import Article


def test_off_by_default(settings):
    assert not semantic.enabled()
    settings.KNOWLEDGE_SEMANTIC = True
    assert semantic.enabled()


def test_fusion_lets_a_clear_cosine_winner_rise():
    # BM25 order 0, 1, 2; the cosine puts 2 far ahead.
    assert semantic.fuse([0, 1, 2], [0.80, 0.79, 0.92]) == [2, 0, 1]
    assert semantic.fuse([0, 1, 2], [0.92, 0.80, 0.79]) == [0, 1, 2]


@pytest.mark.slow
def test_reranking_with_the_model_and_cached_vectors(settings, shop, make_article):  # C6
    settings.KNOWLEDGE_SEMANTIC = True
    make_article(shop, "Paket", "Ett paket kan hämtas hos ombudet i sju dagar.")
    make_article(shop, "Paketet har inte kommit", "Har ditt paket inte kommit fram? Spåra "
                 "det med kollinumret eller kontakta oss så letar vi reda på det.")
    found = queries.suggest(shop, "Mitt paket har försvunnit, var är det?", "sv")
    assert found[0].title == "Paketet har inte kommit"
    cached = Article.objects.exclude(embedding=None)
    assert cached.count() == 2 and all(len(bytes(a.embedding)) == 384 * 4 for a in cached)
    before = {a.pk: a.embedding_of for a in cached}
    queries.suggest(shop, "paket", "sv")
    assert {a.pk: a.embedding_of for a in Article.objects.exclude(embedding=None)} == before
