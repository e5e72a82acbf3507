"""Inbound email throughput through the whole pipeline.

Generates realistic mail (Swedish questions, replies that quote our acknowledgement,
HTML-only mail, attachments, the odd personnummer) and feeds it to
`pipeline.receive`: raw store, dedupe, parse, classify, thread, new text, masking,
case writes and the acknowledgement in the outbox.

    python bench/ingest.py [--quick] [--n 3000] [--db sqlite|postgres] [--profile]

Ends with one line of JSON.
"""

import argparse
import cProfile
import json
import pstats
import random
import resource
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

# bench/queue.py lives beside this file: keep the folder off the path so that the
# standard library's `queue` is the one Django's dependencies import.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from bench._throwaway import throwaway  # noqa: E402

QUESTIONS = [
    "Hej! Jag beställde en vinterjacka i fredags, order {order}. När kan jag räkna med leverans?",
    "Hej, paketet har inte kommit fram fast det stod levererat i går. Kollinummer {track}.",
    "Skorna var för små. Hur gör jag en retur och vad kostar returfrakten?",
    "Jag har blivit dragen två gånger för samma order {order}! Kan ni kolla?",
    "Går det att ändra leveransadressen på order {order}? Vi har flyttat.",
    "Hinner jag få en beställning före julafton om jag beställer i dag?",
    "Lampan kom trasig, glaset var krossat. Bifogar bild. Order {order}.",
    "Mitt personnummer är 19121212-1212 om ni behöver det för fakturan.",
]
FOLLOW_UPS = [
    "Tack för svaret! Men när kommer återbetalningen?",
    "Hej igen, jag har fortfarande inte fått något paket.",
    "Okej, jag skickar tillbaka den i dag. Behöver jag skriva ut en etikett?",
]
NAMES = [
    "Karin Lindqvist",
    "Erik Johansson",
    "Sofia Berg",
    "Mohammed Ali",
    "Lena Nyström",
    "Oskar Holm",
    "Maja Ek",
    "Johan Sandberg",
    "Aino Virtanen",
    "Elsa Wikström",
]
PDF = b"%PDF-1.4\n" + bytes(random.Random(1).randrange(256) for _ in range(20_000))


DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "icloud.com", "telia.com", "live.se"]


def customer(i: int) -> tuple[str, str]:
    name = NAMES[i % len(NAMES)]
    local = name.lower().replace(" ", ".").translate(str.maketrans("åäöé", "aaoe"))
    # Customers write from the mail providers people use, not all from one company domain
    # (which the loop limits would rightly slow down).
    return name, f"{local}{i}@{DOMAINS[i % len(DOMAINS)]}"


def question(rng: random.Random, i: int, shop_address: str) -> bytes:
    name, address = customer(rng.randrange(max(10, i // 3 + 1)))
    text = rng.choice(QUESTIONS).format(order=100000 + i, track=f"0037073025387{i:07d}")
    message = EmailMessage()
    message["From"] = f"{name} <{address}>"
    message["To"] = shop_address
    message["Subject"] = rng.choice(["", "Fråga", "Leverans", "Retur", "Min order"])
    message["Date"] = format_datetime(_now())
    message["Message-ID"] = make_msgid(domain="example.se")
    body = f"{text}\n\nMed vänliga hälsningar\n{name}\n"
    if rng.random() < 0.2:  # HTML-only mail from a webmail
        message.set_content(
            f"<html><body><p>{text}</p><p>Mvh {name}</p></body></html>", subtype="html"
        )
    else:
        message.set_content(body)
        if rng.random() < 0.3:
            message.add_alternative(f"<p>{text}</p><p>Mvh<br>{name}</p>", subtype="html")
    if rng.random() < 0.1:
        message.add_attachment(PDF, maintype="application", subtype="pdf", filename="kvitto.pdf")
    return message.as_bytes()


def follow_up(rng: random.Random, ack) -> bytes:
    """A customer's reply to our acknowledgement, Gmail-style with the quote below."""
    original = ack.get_body(("plain",)).get_content()
    quoted = "\n".join(f"> {line}" for line in original.splitlines())
    message = EmailMessage()
    message["From"] = ack["To"]
    message["To"] = ack["From"]
    message["Subject"] = f"Re: {ack['Subject']}"
    message["Date"] = format_datetime(_now())
    message["Message-ID"] = make_msgid(domain="example.se")
    message["In-Reply-To"] = ack["Message-ID"]
    message["References"] = ack["Message-ID"]
    message.set_content(
        f"{rng.choice(FOLLOW_UPS)}\n\nDen mån 23 nov. 2026 kl 10:12 skrev "
        f"{ack['From']}:\n{quoted}\n"
    )
    return message.as_bytes()


def _now():
    from django.utils import timezone

    return timezone.now()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 messages")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--profile", action="store_true", help="top functions to stderr")
    args = parser.parse_args()
    n = 300 if args.quick else args.n
    with throwaway(args.db):
        print(json.dumps(run(n, args)))


def run(n: int, args) -> dict:
    import email
    import email.policy

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from kundsvar.channels.email import pipeline
    from kundsvar.channels.email.models import OutboundEmail
    from kundsvar.demo.shop import create_shop

    call_command("migrate", verbosity=0)
    # The bench sends hours of mail in seconds: lift the per-shop-minute backstop so every
    # question is acknowledged, as it would be at a real pace (that work is what we time).
    settings.ACKS_PER_SHOP_PER_MINUTE = 10**9
    shop = create_shop()
    rng = random.Random(42)
    # Build the mail first so the timing is the pipeline's, not the generator's.
    firsts = [question(rng, i, shop.email) for i in range(int(n * 0.7))]
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    for raw in firsts:
        pipeline.receive(raw, shop=shop, source="smtp")
    first_phase = time.perf_counter() - start
    if profiler:
        profiler.disable()
    acks = [
        email.message_from_bytes(bytes(row.mime), policy=email.policy.default)
        for row in OutboundEmail.objects.order_by("?")[: n - len(firsts)]
    ]
    replies = [follow_up(rng, ack) for ack in acks]
    if profiler:
        profiler.enable()
    start = time.perf_counter()
    for raw in replies:
        pipeline.receive(raw, shop=shop, source="smtp")
    second_phase = time.perf_counter() - start
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(80)
    total = len(firsts) + len(replies)
    elapsed = first_phase + second_phase
    from kundsvar.cases.models import Case, Message

    return {
        "bench": "ingest",
        "db": args.db,
        "n": total,
        "messages_per_s": round(total / elapsed, 1),
        "new_case_messages_per_s": round(len(firsts) / first_phase, 1),
        "reply_messages_per_s": round(len(replies) / second_phase, 1) if replies else None,
        "cases": Case.objects.count(),
        "messages": Message.objects.count(),
        "acknowledged": OutboundEmail.objects.filter(kind="ack").count(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    main()
