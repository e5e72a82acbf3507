"""How often language detection (kundsvar.core.language.detect_language) names the language a
customer wrote in, on the hand-labelled set in kundsvar/core/tests/data (sv/nb/da/en, at
least 50 messages each, short and long).

`accuracy` is on messages of five words or more, with no fallback credit: a fallback
counts as wrong. For shorter ones the detector decides only when the model is sure and
otherwise falls back to the customer's or shop's language; `accuracy_short` counts a
fallback as wrong, `short_decided` is the share it decided itself, `short_precision` the
share right among those, `accuracy_short_sv_shop` what a Swedish shop's customers get
(fallback "sv"). `holdout` is the same detector on Swedish and English texts from
the shared corpora that were not used to tune it. `model_only_accuracy` is py3langid
restricted to the four languages, without our nb/da word cues, for comparison;
`before_accuracy` is the old behaviour (every case in the shop's language, Swedish).
The last line printed is one JSON object.

    .venv/bin/python bench/language.py [--quick] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

# The project root instead of bench/, whose queue.py would hide the standard library's.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from kundsvar.core import language  # noqa: E402
from kundsvar.core.corpora import CORPORA  # noqa: E402
from kundsvar.core.tests import language_set  # noqa: E402


def _share(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


def _model_only(samples) -> float | None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["sv", "no", "da", "en"])
    guesses = [identifier.classify(s.text)[0] for s in samples]
    hits = sum({"no": "nb"}.get(g, g) == s.language for g, s in zip(guesses, samples, strict=True))
    return _share(hits, len(samples))


def _holdout(limit: int) -> dict:
    """Texts nobody tuned on: SweFAQ questions (Swedish, public-agency FAQ) and Bitext
    customer-service utterances (English), five words or more, from the shared corpora."""
    texts: dict[str, list[str]] = {"sv": [], "en": []}
    swefaq = CORPORA / "swefaq" / "swefaq_dev.jsonl"
    bitext = (
        CORPORA / "bitext_customer_service" / "Bitext_Sample_Customer_Service_Training_Dataset.csv"
    )
    if swefaq.is_file():
        for line in swefaq.read_text(encoding="utf-8").splitlines():
            texts["sv"].append(json.loads(line)["question"])
    if bitext.is_file():
        with bitext.open(encoding="utf-8-sig", newline="") as rows:
            texts["en"] += [row["utterance"] for row in csv.DictReader(rows)]
    result = {}
    for code, found in texts.items():
        found = [t for t in dict.fromkeys(found) if len(t.split()) >= 5][:limit]
        hits = sum(language.detect_language(t, "") == code for t in found)
        result[code] = {"n": len(found), "accuracy": _share(hits, len(found))}
    return result


def run(quick: bool) -> dict:
    samples = language_set.load()
    if quick:  # every other message
        samples = samples[::2]
    language.detect_language("värmer upp modellen", "")
    started = time.perf_counter()
    detected = [(s, language.detect_language(s.text, "")) for s in samples]
    seconds = time.perf_counter() - started
    long = [(s, d) for s, d in detected if s.long]
    short = [(s, d) for s, d in detected if not s.long]
    decided = [(s, d) for s, d in short if d]
    per_language = {}
    for code in language_set.LANGUAGES:
        mine = [(s, d) for s, d in long if s.language == code]
        mine_short = [(s, d) for s, d in short if s.language == code]
        per_language[code] = {
            "n": len(mine),
            "accuracy": _share(sum(s.language == d for s, d in mine), len(mine)),
            "n_short": len(mine_short),
            "accuracy_short": _share(sum(s.language == d for s, d in mine_short), len(mine_short)),
        }
    return {
        "n": len(long),
        "accuracy": _share(sum(s.language == d for s, d in long), len(long)),
        "n_short": len(short),
        "accuracy_short": _share(sum(s.language == d for s, d in short), len(short)),
        "short_decided": _share(len(decided), len(short)),
        "short_precision": _share(sum(s.language == d for s, d in decided), len(decided)),
        "accuracy_short_sv_shop": _share(
            sum(s.language == (d or "sv") for s, d in short), len(short)
        ),
        "model_only_accuracy": _model_only([s for s, _ in long]),
        "before_accuracy": _share(sum(s.language == "sv" for s, _ in long), len(long)),
        "per_language": per_language,
        "misses": [
            f"{s.language}->{d or 'fallback'}: {s.text[:60]}" for s, d in long if s.language != d
        ],
        "holdout": _holdout(100 if quick else 1000),
        "ms_per_message": round(seconds * 1000 / max(len(samples), 1), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="every other message")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="accepted for a uniform bench CLI; this bench uses no database",
    )
    args = parser.parse_args()
    result = run(args.quick)
    r = result
    print(
        f"≥5 words: {r['accuracy']:.1%} of {r['n']}  (py3langid alone "
        f"{r['model_only_accuracy']:.1%}, before {r['before_accuracy']:.1%})  short: "
        f"{r['accuracy_short']:.1%} of {r['n_short']}, decided {r['short_decided']:.1%}, "
        f"right when decided {r['short_precision']:.1%}",
        file=sys.stderr,
    )
    print(f"held out: {result['holdout']}", file=sys.stderr)
    for miss in result["misses"]:
        print(f"miss: {miss}", file=sys.stderr)
    sys.stderr.flush()
    print(
        json.dumps(
            {"bench": "language", "db": args.db, "quick": args.quick, **result}, ensure_ascii=False
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
