"""The audit's and the probes' reports as text and JSON (the page is a template)."""

import json

from .result import UNKNOWN, counts

MARK = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", UNKNOWN: "  ? "}


def text(title: str, score_: int, results: list[dict], *, base_url: str = "") -> str:
    """One line per checkpoint, then why and fix for the ones that did not pass."""
    lines = [title, f"Score: {score_}/100  " + summary(results), ""]
    group = None
    for r in results:
        if r.get("group") and r["group"] != group:
            group = r["group"]
            lines.append(f"{group}")
        lines.append(f"  [{MARK[r['status']]}] {r['rule']:<3} {r['title']} — {r['figure']}"
                     f"  (weight {r['weight']})")  # fmt: skip
        if r["status"] != "pass":
            lines.append(f"         why: {r['why']}")
            if r.get("fix"):
                lines.append(f"         fix: {base_url}{r['fix']}")
    return "\n".join(lines) + "\n"


def summary(results) -> str:
    c = counts(results)
    return f"{c['pass']} pass, {c['warn']} warn, {c['fail']} fail, {c[UNKNOWN]} unknown"


def as_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)
