"""The index follows the cases: after a new message, a merge, a deletion, and on demand."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kundsvar.cases import services
from kundsvar.cases.models import Case
from kundsvar.cases.tests.factories import write_again
from kundsvar.search.services import index_case, rebuild
from kundsvar.shops.tests.factories import ShopFactory

from .factories import found, indexed_case

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def test_a_new_message_is_found_after_reindexing():
    case = indexed_case(ShopFactory(), "Jacka", "När kommer jackan?")
    write_again(
        case, datetime(2026, 11, 23, 12, 0, tzinfo=STHLM), text="Jag vill hellre ha en halsduk."
    )
    assert found("halsduk") == []  # not yet indexed
    index_case(case.pk)
    assert found("halsduk") == [case.number]
    assert found("jackan") == [case.number]  # the first message stays


def test_reindexing_twice_changes_nothing():
    case = indexed_case(ShopFactory(), "Jacka", "När kommer jackan?")
    index_case(case.pk)
    index_case(case.pk)
    assert found("jacka") == [case.number]


def test_index_on_commit_runs_after_the_write_commits(django_capture_on_commit_callbacks):
    case = indexed_case(ShopFactory(), "Jacka", "När kommer jackan?")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The case service queues the reindex itself.
        write_again(case, datetime(2026, 11, 23, 12, 0, tzinfo=STHLM), text="Och mössan?")
        assert found("mössan") == []
    assert callbacks
    assert found("mössan") == [case.number]


def test_after_a_merge_the_target_finds_the_duplicates_words():
    shop = ShopFactory()
    target = indexed_case(shop, "Leverans", "När kommer paketet?")
    duplicate = indexed_case(shop, "Reklamation", "Vasen var krossad.")
    services.merge_cases(duplicate, target, same_person=True)
    index_case(target.pk)
    index_case(duplicate.pk)
    # The duplicate keeps its subject; its message now belongs to the target.
    assert found("vasen") == [target.number]
    assert set(found("reklamation")) == {target.number, duplicate.number}


def test_a_deleted_case_leaves_the_index():
    case = indexed_case(ShopFactory(), "Jacka", "När kommer jackan?")
    pk = case.pk
    Case.objects.filter(pk=pk).delete()
    index_case(pk)
    assert found("jacka") == []


def test_rebuild_and_the_reindex_command_index_every_case(capsys):
    shop = ShopFactory()
    first = indexed_case(shop, "Jacka", "När kommer jackan?")
    second = indexed_case(shop, "Jacka", "Fel storlek på jackan.")
    write_again(first, datetime(2026, 11, 23, 12, 0, tzinfo=STHLM), text="Och vantarna?")
    assert rebuild() == 2
    assert found("vante") == [first.number]
    assert set(found("jacka")) == {first.number, second.number}
    call_command("reindex")
    assert "Indexed 2 cases" in capsys.readouterr().out
    call_command("reindex", str(second.number))
    assert set(found("jacka")) == {first.number, second.number}


def test_rebuild_of_an_empty_database():
    assert rebuild() == 0
    assert found("jacka") == []


def test_the_reindex_command_rebuilds_the_faq_index_too(capsys):  # K2
    from kundsvar.knowledge import search as articles
    from kundsvar.knowledge.models import Article
    from kundsvar.knowledge.queries import suggest
    from kundsvar.knowledge.services import create_article

    shop = ShopFactory()
    create_article(shop, title="Leveranstid", body="Vi skickar inom två dagar.", language="sv")
    articles.engine().replace([], deleted=list(Article.objects.values_list("pk", flat=True)))
    assert suggest(shop, "Hur lång är leveranstiden?", "sv") == []  # the index was lost
    call_command("reindex")
    assert "Indexed 1 FAQ articles" in capsys.readouterr().out
    assert [a.title for a in suggest(shop, "Hur lång är leveranstiden?", "sv")] == ["Leveranstid"]
