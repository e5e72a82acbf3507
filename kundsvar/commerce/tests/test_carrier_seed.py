"""O4: the seed migration creates one editable Carrier row per registry entry and never
overwrites what a shop admin has changed."""

import importlib

import pytest
from django.apps import apps as global_apps

from kundsvar.commerce.carriers import REGISTRY
from kundsvar.commerce.models import Carrier

pytestmark = pytest.mark.django_db

seed = importlib.import_module("kundsvar.commerce.migrations.0002_seed_carriers")


def _rows():
    return {
        c.code: {
            f: getattr(c, f)
            for f in (
                "code",
                "name",
                "tracking_url",
                "phone",
                "phone_hours",
                "countries",
                "verified",
                "source",
            )
        }
        for c in Carrier.objects.all()
    }


def test_the_migration_seeded_the_registry():  # O4
    # The migration holds a frozen copy; when the registry changes, a new migration must
    # carry the change to existing databases (and this test says so).
    assert _rows() == {c.code: c.row() for c in REGISTRY}
    assert seed.CARRIERS == [c.row() for c in REGISTRY]


def test_unsourced_carriers_are_marked_unverified():  # O4
    unverified = set(Carrier.objects.filter(verified=False).values_list("code", flat=True))
    assert {"airmee", "earlybird", "budbee", "instabox", "schenker"} <= unverified
    assert Carrier.objects.get(code="postnord").verified is True
    assert all(c.source for c in Carrier.objects.all())


def test_reseeding_keeps_the_admins_edits_and_restores_missing_rows():  # O4
    Carrier.objects.filter(code="postnord").update(
        phone="0771-33 33 10", phone_hours="vardagar 8–20", verified=False
    )
    Carrier.objects.filter(code="airmee").delete()
    Carrier.objects.create(code="egen", name="Vår egen budfirma")

    seed.seed_carriers(global_apps, None)
    seed.seed_carriers(global_apps, None)

    postnord = Carrier.objects.get(code="postnord")
    assert (postnord.phone, postnord.phone_hours, postnord.verified) == (
        "0771-33 33 10",
        "vardagar 8–20",
        False,
    )
    assert Carrier.objects.get(code="airmee").name == "Airmee"
    assert Carrier.objects.filter(code="egen").exists()
    assert Carrier.objects.count() == len(REGISTRY) + 1
