"""The shape of the code (docs/architecture.md), checked so it stays true: which app may
write what, and which app may import which."""

import subprocess
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


def _tracked(*paths: str) -> list[Path]:
    """The files git tracks under `paths`; outside a git checkout, every file there."""
    repo = ROOT.parent
    try:
        # Our own fixed command; git from PATH like every developer's shell.
        listed = subprocess.run(  # noqa: S603
            ["git", "ls-files", "-z", "--", *paths],  # noqa: S607
            cwd=repo,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return [repo / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        found = [repo / p for p in paths if (repo / p).is_file()]
        for p in paths:
            found += [f for f in (repo / p).rglob("*") if f.is_file()]
        return found


def test_the_repository_points_to_nothing_outside_itself():
    """Rules are cited by id from docs/rules.md, practices in words: a reader of the
    repository alone can follow every reference."""
    files = _tracked("kundsvar", "docs", "README.md")
    assert any(f.name == "rules.md" for f in files)
    outside = (b"../shared", b"STYLE practice")
    offenders = [
        str(f.relative_to(ROOT.parent))
        for f in files
        if f.exists() and any(word in f.read_bytes() for word in outside)
    ]
    assert offenders == []


def _imports(path: Path) -> set[str]:
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.update([node.module, *(f"{node.module}.{a.name}" for a in node.names)])
    return names


def test_commerce_sends_customer_mail_without_importing_the_email_channel():
    """Order mail goes through the channel-neutral outbox (kundsvar.channels.outbox)."""
    importers = [
        str(path.relative_to(ROOT))
        for path in _sources("commerce")
        if any(name.startswith("kundsvar.channels.email") for name in _imports(path))
    ]
    assert importers == []


def test_the_delivery_machine_imports_no_app():
    """core is the bottom layer: the machine knows its kinds only through their calls."""
    assert {n for n in _imports(ROOT / "core" / "delivery.py") if n.startswith("kundsvar")} == set()


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
