"""Masking personal identity numbers (rule C3) in one long mail.

Issue #10: masking used to take time quadratic in the length of the text (1 MB: 2 s,
6 MB: 107 s) while holding the database's write lock. This times
`kundsvar.core.privacy.mask_personal_numbers` on text full of digits and labels (order,
phone and personal numbers, OCR groups), at 1, 2, 4 and 6 MB (--quick: 0.5 and 1 MB),
best of three, and reports how the time grows.

    python bench/masking.py [--quick] [--db sqlite|postgres]

--db is accepted like every benchmark's; masking touches no database. Figures go to
stderr; the last line is one line of JSON.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kundsvar.core.privacy import mask_personal_numbers  # noqa: E402

LINE = (
    "Hej! Order 100231, tel 0701234567, mitt pnr 811218-9876 och kvitto 8001011234 5678. "
    "Kolli 00370712345678901234 skickades 2026-11-20.\n"
)


def best_of_three(text: str) -> tuple[float, int]:
    timings, count = [], 0
    for _ in range(3):
        start = time.perf_counter()
        count = mask_personal_numbers(text)[1]
        timings.append(time.perf_counter() - start)
    return min(timings), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="0.5 and 1 MB only")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    sizes_mb = [0.5, 1] if args.quick else [1, 2, 4, 6]
    seconds = {}
    for mb in sizes_mb:
        text = LINE * int(mb * 1_000_000 / len(LINE))
        took, count = best_of_three(text)
        seconds[f"{mb:g}MB"] = round(took, 3)
        print(f"{mb:g} MB: {took:.3f} s, {count} masked", file=sys.stderr)
    growth = seconds[f"{sizes_mb[-1]:g}MB"] / seconds[f"{sizes_mb[0]:g}MB"]
    print(
        json.dumps(
            {
                "bench": "masking",
                "seconds": seconds,
                "growth": round(growth, 2),
                "size_ratio": sizes_mb[-1] / sizes_mb[0],
            }
        )
    )


if __name__ == "__main__":
    main()
