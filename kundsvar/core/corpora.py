"""Where the shared test corpora are (real mail, shop payloads, carrier data, SweFAQ):
for tests and benchmarks only. `KUNDSVAR_CORPORA` wins; else the `shared` folder beside
the checkout (`shared/corpora` next to the repository); else `/work/shared/corpora`."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def corpora_dir() -> Path:
    configured = os.environ.get("KUNDSVAR_CORPORA")
    if configured:
        return Path(configured)
    for candidate in (REPO.parent / "shared" / "corpora", Path("/work/shared/corpora")):
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "corpora"


CORPORA = corpora_dir()
