"""`kundsvar probe site URL`, `kundsvar probe mail …` and `kundsvar probe campaign NAME`:
mystery-shop a contact page or a mailbox (rule M2), and rank the shops of a campaign."""

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kundsvar.audit import campaign, mailprobe, services
from kundsvar.audit.models import MailProbe, ProbeState

from .audit import render

PASSWORD_ENV = "KUNDSVAR_PROBE_PASSWORD"  # noqa: S105 — the variable's name, not a secret


class Command(BaseCommand):
    help = "Mystery-shop a contact page (site) or a mailbox (mail); rank a campaign."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        site = sub.add_parser("site", help="check a contact page and its links, one level deep")
        site.add_argument("url")
        site.add_argument("--campaign", default="")
        site.add_argument("--name", default="", help="the shop's name in a campaign's table")
        site.add_argument("--format", choices=("text", "json", "html"), default="text")

        mail = sub.add_parser("mail", help="send a test question, wait, score the replies")
        mail.add_argument("--to", help="the shop's customer-service address")
        mail.add_argument("--smtp", help="HOST:PORT to send through (smtps://… for TLS)")
        mail.add_argument("--imap", help="HOST:PORT of the probe mailbox (imaps://… for TLS)")
        mail.add_argument("--user", help="the probe mailbox's login (and sender address)")
        mail.add_argument("--from", dest="from_address", default="")
        mail.add_argument("--shop-name", default="", help="the name the subject should carry")
        mail.add_argument("--question-file", help="subject on the first line, then the text")
        mail.add_argument("--wait", default="48h", help="how long to wait (48h, 30m, 2d)")
        mail.add_argument("--poll", type=int, default=60, help="seconds between looks")
        mail.add_argument("--time-zone", default="Europe/Stockholm")
        mail.add_argument("--campaign", default="")
        mail.add_argument("--resume", type=int, help="carry on a probe by its id")
        mail.add_argument("--once", action="store_true", help="one step, then exit (for cron)")
        mail.add_argument(
            "--pending", action="store_true", help="one step of every unfinished probe (cron)"
        )
        mail.add_argument("--password-file", help=f"else ${PASSWORD_ENV}")
        mail.add_argument("--format", choices=("text", "json", "html"), default="text")

        table = sub.add_parser("campaign", help="probe a list of sites, rank every shop")
        table.add_argument("name")
        table.add_argument("--sites", help="a file: one contact page a line, 'Name | URL'")
        table.add_argument("--format", choices=("text", "json", "html"), default="text")

    def handle(self, *args, what, **options):
        getattr(self, f"_{what}")(**options)

    def _site(self, url, campaign, name, format, **options):
        probe = services.run_site_probe(url, campaign=campaign, name=name)
        pages = ", ".join(
            p["url"] + (f" ({p['error']})" if p["error"] else "") for p in probe.pages
        )
        title = f"Contact page probe of {url} ({probe.language or 'language unknown'})"
        self.stdout.write(render(format, title, probe.score, probe.results, pages=pages), ending="")
        if format == "text":
            self.stdout.write(f"Pages read: {pages}\n")

    def _mail(self, resume, once, pending, poll, format, password_file, **options):
        password = _password(password_file)
        if pending:
            for waiting in MailProbe.objects.exclude(state=ProbeState.DONE).order_by("pk"):
                done = services.step_mail_probe(waiting, password)
                self.stdout.write(
                    f"Probe {done.pk} {done.to_address}: {done.get_state_display()}\n"
                )
            return
        probe = _resumed(resume) if resume else self._new_probe(**options)
        while True:
            probe = services.step_mail_probe(probe, password)
            if probe.state == ProbeState.DONE or once:
                break
            time.sleep(poll)
        if probe.state != ProbeState.DONE:
            self.stdout.write(
                f"Probe {probe.pk}: {probe.get_state_display()}. "
                f"Carry on with: kundsvar probe mail --resume {probe.pk}\n"
            )
            return
        title = f"Mailbox probe of {probe.to_address}"
        self.stdout.write(render(format, title, probe.score or 0, probe.results), ending="")

    def _new_probe(self, *, to, smtp, imap, user, question_file, wait, **options) -> MailProbe:
        if not (to and smtp and imap and user):
            raise CommandError("--to, --smtp, --imap and --user are needed (or --resume ID).")
        given = {}
        if question_file:
            subject, _, text = Path(question_file).read_text(encoding="utf-8").partition("\n")
            given = {"subject": subject.strip(), "question": text.strip()}
        try:
            seconds = mailprobe.parse_wait(wait)
        except ValueError as error:
            raise CommandError(str(error)) from error
        return services.start_mail_probe(
            to=to, smtp=smtp, imap=imap, user=user, from_address=options["from_address"],
            shop_name=options["shop_name"], wait_seconds=seconds,
            time_zone=options["time_zone"], campaign=options["campaign"], **given,
        )  # fmt: skip

    def _campaign(self, name, sites, format, **options):
        if sites:
            for line in Path(sites).read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    shop, _, url = line.rpartition("|")
                    services.run_site_probe(url.strip(), campaign=name, name=shop.strip())
        ranking = campaign.table(name, timezone.now())
        self.stdout.write(campaign.render(ranking, format), ending="")


def _password(path: str | None) -> str:
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(PASSWORD_ENV, "")


def _resumed(pk: int) -> MailProbe:
    probe = MailProbe.objects.filter(pk=pk).first()
    if probe is None:
        raise CommandError(f"No probe {pk}.")
    return probe
