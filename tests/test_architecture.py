"""The shape of the code (docs/architecture.md), checked so it stays true: which app may
write what, and which app may import which."""

import ast
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


def _imports(path: Path) -> set[str]:
    """The modules `path` imports, absolute, whether at the top or inside a function."""
    package = ".".join(("kundsvar", *path.relative_to(ROOT).parent.parts))
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.update(f"{module}.{alias.name}" for alias in node.names)
            found.add(module)
    return found


def _importers(of: str, paths) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path in paths
        if any(name == of or name.startswith(f"{of}.") for name in _imports(path))
    ]


def test_no_app_imports_the_workspace():
    """The workspace sits on top (the agent UI and the API routers): the URLconfs and the
    API root mount it; an app that imported it would pull the UI into the domain."""
    mounts = {"urls.py", "api.py", "settings_urls.py"}
    paths = [
        path
        for path in _sources()
        if path.parts[len(ROOT.parts)] != "workspace" and str(path.relative_to(ROOT)) not in mounts
    ]
    assert _importers("kundsvar.workspace", paths) == []


def test_cases_does_not_import_the_email_channel():
    """Cases is the domain every channel writes to; outbox, emails and raw sources are the
    email channel's and reach the case page through the workspace."""
    paths = sorted((ROOT / "cases").rglob("*.py"))
    assert _importers("kundsvar.channels.email", paths) == []


def test_core_imports_no_other_app():
    """Core is the bottom layer (env, text, language, privacy helpers): every app may import
    it, so it may import none of them, or the layers would form a cycle. (Its tests may:
    they check the date filter on real agent pages.)"""
    imported = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in _sources("core")
        for name in _imports(path)
        if name.startswith("kundsvar.") and not name.startswith("kundsvar.core")
    }
    assert imported == set()


def test_each_domain_lists_only_its_own_settings_pages():
    """kundsvar/settings_urls.py mounts every domain's settings_urls.py under /settings/;
    each of those names its own app's views, so a page moves with its domain."""
    borrowed = {}
    for path in sorted(ROOT.rglob("settings_urls.py")):
        if path.parent == ROOT:
            continue
        package = ".".join(("kundsvar", *path.relative_to(ROOT).parent.parts))
        names = {n for n in _imports(path) if n.startswith("kundsvar.")}
        others = sorted(n for n in names if n != package and not n.startswith(f"{package}."))
        if others:
            borrowed[str(path.relative_to(ROOT))] = others
    assert borrowed == {}
