"""docs/deploy.md's files do not rot: every command in the systemd units and compose.yaml
is a real `kundsvar` command that takes those arguments, every variable of the example
env file is one Kundsvar reads, and `kundsvar check --deploy` passes with that file."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "kundsvar.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def assert_runs(argv: list[str]) -> None:
    """`kundsvar NAME ARGS…`: NAME is a command and its parser takes ARGS."""
    assert Path(argv[0]).name == "kundsvar", argv
    name, args = argv[1], argv[2:]
    app = get_commands()[name]
    parser = load_command_class(app, name).create_parser("kundsvar", name)
    parser.parse_args([a.replace("%i", "8001") for a in args])


@pytest.mark.parametrize("unit", sorted((DEPLOY / "systemd").glob("*.service")), ids=str)
def test_each_systemd_unit_runs_a_real_command(unit):
    text = unit.read_text()
    start = re.search(r"^ExecStart=(.+)$", text, re.M).group(1)
    assert_runs(shlex.split(start))
    assert "EnvironmentFile=/etc/kundsvar/kundsvar.env" in text


def test_compose_runs_real_commands_against_one_postgresql():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "web", "worker", "smtpd"} <= set(services)
    for name in ("web", "worker", "smtpd"):
        assert_runs(services[name]["command"])
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["db"]["image"].startswith("postgres:")


def commented_out_variables() -> list[str]:
    """The optional ones, shown as `# NAME=value` (the S3 bucket's)."""
    text = (DEPLOY / "kundsvar.env.example").read_text()
    return re.findall(r"^# ([A-Z][A-Z0-9_]+)=", text, re.M)


def test_every_variable_in_the_example_is_read_by_kundsvar():
    code = "\n".join(p.read_text() for p in (ROOT / "kundsvar").rglob("*.py"))
    names = [*env_example(), *commented_out_variables()]
    unknown = [name for name in names if f'"{name}"' not in code]
    assert unknown == [] and "S3_BUCKET" in names


def check_deploy(env: dict, *flags: str) -> subprocess.CompletedProcess:
    """`kundsvar check --deploy` in a fresh process with exactly this environment."""
    command = [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", *flags]
    # Not what production has: the browser tests set it in this process for the live server.
    env = {k: v for k, v in env.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(  # noqa: S603 — our own manage.py
        command, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_the_documented_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in env_example()}
    env.update(env_example())
    env["KUNDSVAR_VAR_DIR"] = str(tmp_path)
    # The example's placeholder is not a key (so nobody runs with it): the check says so.
    env["ENCRYPTION_KEY"] = "1TzQMbmH3QGU1fS6Nx2pNyPl_u3RshYBb28CKs8Cl2E="
    done = check_deploy(env, "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_guide_names_the_files_it_relies_on():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for path in (
        "deploy/compose.yaml",
        "deploy/kundsvar.env.example",
        "/healthz",
        "check --deploy",
    ):
        assert path in guide


def test_check_deploy_refuses_the_placeholder_key(tmp_path):
    env = {**os.environ, **env_example(), "KUNDSVAR_VAR_DIR": str(tmp_path)}
    done = check_deploy(env)
    assert done.returncode != 0 and "kundsvar.E001" in done.stdout + done.stderr
