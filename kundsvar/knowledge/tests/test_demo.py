from kundsvar.knowledge.demo import add_demo_articles
from kundsvar.knowledge.models import Article, Category


def test_demo_faq_is_added_once(shop, committed):
    assert committed(add_demo_articles, shop) == 14
    assert committed(add_demo_articles, shop) == 0
    assert Category.objects.filter(shop=shop).count() == 4
    assert Article.objects.filter(shop=shop, language="sv", status="published").count() == 10
    assert Article.objects.filter(shop=shop, language="en", status="published").count() == 4
