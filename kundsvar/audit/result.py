"""A checkpoint's outcome and the score over many: shared by the audit (M1) and the probes
(M2), so every report reads the same way."""

from dataclasses import asdict, dataclass

PASS, WARN, FAIL, UNKNOWN = "pass", "warn", "fail", "unknown"
# A warning is worth half; "unknown" (we could not tell) counts neither way.
CREDIT = {PASS: 1.0, WARN: 0.5, FAIL: 0.0}


@dataclass
class Result:
    code: str  # stable id of the checkpoint, e.g. "ack_subject"
    rule: str  # the rule it checks, e.g. "A2"
    title: str
    status: str
    figure: str  # what was measured or found, in a few words
    why: str  # one sentence: why it matters
    weight: int = 1
    fix: str = ""  # the page that fixes it (M1) or advice (M2)
    group: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def score(results) -> int:
    """Out of 100: each known checkpoint's credit times its weight, over the weights."""
    known = [r for r in results if _get(r, "status") in CREDIT]
    total = sum(_get(r, "weight") for r in known)
    if not total:
        return 0
    got = sum(_get(r, "weight") * CREDIT[_get(r, "status")] for r in known)
    return round(100 * got / total)


def _get(result, name):
    return result[name] if isinstance(result, dict) else getattr(result, name)


def counts(results) -> dict[str, int]:
    found = dict.fromkeys((PASS, WARN, FAIL, UNKNOWN), 0)
    for r in results:
        found[_get(r, "status")] += 1
    return found


def band(hours: float | None, ok: float, worst: float) -> str:
    """S1's bands: within `ok` passes, within `worst` warns, beyond fails."""
    if hours is None:
        return UNKNOWN
    if hours <= ok:
        return PASS
    return WARN if hours <= worst else FAIL
