"""The shape of the code (docs/architecture.md), checked so it stays true: which app may
write what, and which app may import which."""

import ast
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kundsvar.cases.events import record_event
from kundsvar.cases.models import CaseEvent, EventKind
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory

ROOT = Path(__file__).resolve().parent.parent / "kundsvar"


def _sources(*apps: str, tests: bool = False):
    """The Python files of `apps` (all of kundsvar/ when none), without migrations; with
    their tests too when `tests` (a boundary that holds for code must hold for its tests,
    or a test pins the code to the old shape)."""
    for app in apps or ("",):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and (tests or "tests" not in path.parts):
                yield path


def test_only_the_cases_app_writes_the_audit_log():
    """Tests included: a test that needs an event records it through cases.events."""
    writers = [
        str(path.relative_to(ROOT))
        for path in _sources(tests=True)
        if "CaseEvent.objects.create" in path.read_text() and path.parts[len(ROOT.parts)] != "cases"
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


def _imports_of(module: str, *paths: str, tests: bool = False) -> list[str]:
    """The files under `paths` (relative to kundsvar/) with an import of `module`; their
    tests too when `tests`."""
    found = []
    for relative in paths:
        path = ROOT / relative
        for source in [path] if path.suffix == ".py" else _sources(relative, tests=tests):
            for line in source.read_text().splitlines():
                words = line.split()
                if words[:1] in (["import"], ["from"]) and (
                    words[1] == module or words[1].startswith(module + ".")
                ):
                    found.append(f"{source.relative_to(ROOT)}: {line.strip()}")
    return found


def _mentions(pattern: str, paths) -> list[str]:
    """Lines in `paths` that match `pattern` anywhere (an import, a dotted string handed to
    monkeypatch or import_string): the literal check of issue 11, as grep runs it."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_channels_and_domains_reach_the_email_channel_only_through_the_registry():
    """The form, the portal, feedback and the case services hand a customer's message to
    intake, which asks the channel's adapter through channels.registry; commerce and
    insights (the weekly report) queue their mail through channels.outbox. Their tests too: a
    test about what an email says lives with the email channel."""
    assert (
        _imports_of(
            "kundsvar.channels.email",
            "channels/form",
            "cases",
            "commerce",
            "portal",
            "feedback",
            "insights",
            tests=True,
        )
        == []
    )
    apps = ("channels/form", "cases", "commerce", "portal", "feedback", "insights")
    paths = [path for app in apps for path in _sources(app, tests=True)]
    assert _mentions(r"kundsvar\.channels\.email|channels import email", paths) == []


def test_intake_knows_no_channel_by_name():
    """Every channel is an adapter behind the registry; intake imports none of them."""
    assert _imports_of("kundsvar.channels.email", "intake") == []
    assert _imports_of("kundsvar.channels.form", "intake") == []


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
    API root mount it; an app that imported it would pull the UI into the domain. Tests
    included: a test of an agent panel lives in workspace/tests."""
    mounts = {"urls.py", "api.py", "settings_urls.py"}
    paths = [
        path
        for path in _sources(tests=True)
        if path.parts[len(ROOT.parts)] != "workspace" and str(path.relative_to(ROOT)) not in mounts
    ]
    assert _importers("kundsvar.workspace", paths) == []
    mounts.add("settings.py")  # INSTALLED_APPS names it
    paths = [path for path in paths if str(path.relative_to(ROOT)) not in mounts]
    assert _mentions(r"kundsvar.workspace|kundsvar import workspace", paths) == []


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


# docs/architecture.md's layers: an app may import its own layer and the ones below.
LAYERS = {
    "core": 0,
    **dict.fromkeys(
        [
            "accounts",
            "shops",
            "customers",
            "sla",
            "staffing",  # shifts per agent: the forecast of the promise and the staffing page
            "cases",
            "topics",  # what a question is about: topics, their targets, intent detection
            "commerce",
            "knowledge",
            "search",
            "webhooks",
            "live",  # stored live events, brokers, Server-Sent Events (chat, later the queue)
            "channels",  # registry.py, outbox.py, by_email.py: the channel-neutral doors
            "channels.hooks",  # webhook bodies stored first, for the webhook channels
            "automations",  # rules on cases: the case services call its hooks
            "routing",  # skills, queues, assignment: automations and the workspace use it
            "notifications",  # an agent's notifications: the case services and sla call it
        ],
        1,
    ),
    "intake": 2,
    "portal": 3,
    "feedback": 3,
    "insights": 3,  # reports and staffing: reads the domain, nothing imports it
    "shopper": 3,  # the shop's logged-in shopper: identity, "My orders" (portal, form, chat use it)
    "channels.email": 4,
    "channels.form": 4,
    "channels.social": 4,
    "channels.phone": 4,
    "channels.chat": 4,
    **dict.fromkeys(
        [
            "workspace",
            "audit",
            "demo",
            "ops",
            "api",
            "urls",
            "settings_urls",
            "settings",
            "asgi",
            "wsgi",
        ],
        5,
    ),
    "cli": 5,
}


def _app(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kundsvar" or len(parts) < 2:
        return None
    if parts[1] == "channels" and len(parts) > 2 and (ROOT / "channels" / parts[2]).is_dir():
        return f"channels.{parts[2]}"
    return parts[1]


def _app_of_file(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    if len(parts) == 1:
        return parts[0].removesuffix(".py")
    if parts[0] == "channels" and len(parts) > 2:
        return f"channels.{parts[1]}"
    return parts[0]


def test_every_app_imports_only_its_own_layer_and_below():
    upward = []
    for path in _sources():
        source = _app_of_file(path)
        for module in _imports(path):
            target = _app(module)
            if target and target != source and LAYERS[target] > LAYERS[source]:
                upward.append(f"{path.relative_to(ROOT)} ({source}) imports {module}")
    assert upward == []


def test_channels_reach_each_other_only_through_the_registry():
    for path in _sources("channels/form"):
        assert not {m for m in _imports(path) if _app(m) == "channels.email"}, path
    for path in _sources("channels/email"):
        assert not {m for m in _imports(path) if _app(m) == "channels.form"}, path


def test_no_app_imports_the_audit():
    """The audit (M1, M2) reads every domain and renders through the email channel; nothing
    reads it back but the URLconf that mounts its pages."""
    paths = [
        path
        for path in _sources(tests=True)
        if path.parts[len(ROOT.parts)] != "audit" and str(path.relative_to(ROOT)) != "urls.py"
    ]
    assert _importers("kundsvar.audit", paths) == []
