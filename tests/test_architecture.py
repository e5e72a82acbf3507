"""The shape of the code (docs/architecture.md), checked so it stays true: which app may
write what, and which app may import which."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kundsvar.cases.events import record_event
from kundsvar.cases.models import CaseEvent, EventKind
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory

ROOT = Path(__file__).resolve().parent.parent / "kundsvar"


def _sources(*apps: str):
    for app in apps or ("",):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def test_only_the_cases_app_writes_the_audit_log():
    writers = [
        str(path.relative_to(ROOT))
        for path in _sources()
        if "CaseEvent.objects.create" in path.read_text() and path.parts[-2] != "cases"
    ]
    assert writers == []


@pytest.mark.django_db
def test_record_event_refuses_a_kind_the_timeline_cannot_label():
    case = open_email_case(ShopFactory(), datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    with pytest.raises(ValueError):
        record_event(case, "delivery_faild", at=case.created_at)
    event = record_event(case.pk, EventKind.DELIVERY_FAILED, at=case.created_at, to="a@b.se")
    assert CaseEvent.objects.get(pk=event.pk).data == {"to": "a@b.se"}


def _imports_of(module: str, *paths: str) -> list[str]:
    """The files under `paths` (relative to kundsvar/) with an import of `module`."""
    found = []
    for relative in paths:
        path = ROOT / relative
        for source in [path] if path.suffix == ".py" else _sources(relative):
            for line in source.read_text().splitlines():
                words = line.split()
                if words[:1] in (["import"], ["from"]) and (
                    words[1] == module or words[1].startswith(module + ".")
                ):
                    found.append(f"{source.relative_to(ROOT)}: {line.strip()}")
    return found


def test_channels_and_domains_reach_the_email_channel_only_through_the_registry():
    """The form, the portal, feedback and the case services hand a customer's message to
    intake, which asks the channel's adapter through channels.registry."""
    assert (
        _imports_of(
            "kundsvar.channels.email",
            "channels/form",
            "portal",
            "feedback/services.py",
            "cases/services.py",
            "cases/api.py",
        )
        == []
    )


def test_intake_knows_no_channel_by_name():
    """Every channel is an adapter behind the registry; intake imports none of them."""
    assert _imports_of("kundsvar.channels.email", "intake") == []
    assert _imports_of("kundsvar.channels.form", "intake") == []
