"""Is the shop's sender address one customers can answer and mail servers will trust?
(rule A3). Shown on Settings → Email: a no-reply address is an error; SPF, DKIM and DMARC
are advice with the records to publish, filled in for the shop's domain and the SMTP
server it sends through (nothing is looked up: the page works without internet)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kundsvar.shops.models import validate_reply_address

from .models import SmtpServer

# SMTP hosts of the providers Nordic shops use most, and what their SPF record includes.
SPF_INCLUDES = {
    "office365.com": "include:spf.protection.outlook.com",
    "outlook.com": "include:spf.protection.outlook.com",
    "gmail.com": "include:_spf.google.com",
    "google.com": "include:_spf.google.com",
    "one.com": "include:_spf.one.com",
    "loopia.se": "include:spf.loopia.se",
    "glesys.se": "include:spf.glesys.se",
    "sendgrid.net": "include:sendgrid.net",
    "mailgun.org": "include:mailgun.org",
    "amazonaws.com": "include:amazonses.com",
}


@dataclass(frozen=True)
class Advice:
    level: str  # error, warning, info
    text: str
    record: str = ""  # a DNS record to publish, when there is one


def check(address: str, server: SmtpServer | None) -> list[Advice]:
    domain = address.rpartition("@")[2].lower()
    found: list[Advice] = []
    try:
        validate_reply_address(address)
    except ValidationError as error:
        found.append(Advice("error", " ".join(error.messages)))
    host = server.host if server and server.enabled else getattr(settings, "EMAIL_HOST", "")
    login_domain = (server.username.rpartition("@")[2].lower() if server else "") or domain
    if server and "@" in server.username and login_domain != domain:
        found.append(
            Advice(
                "warning",
                _(
                    "You log in as %(user)s but send as %(address)s: the server must allow "
                    "sending as that address, or it refuses the mail or marks it as spam."
                )
                % {"user": server.username, "address": address},
            )
        )
    found.append(
        Advice(
            "info",
            _(
                "SPF: the domain %(domain)s must allow %(host)s to send its mail. Publish "
                "(or extend) this TXT record on %(domain)s:"
            )
            % {"domain": domain, "host": host or _("your mail server")},
            f"v=spf1 {spf_mechanism(host)} ~all",
        )
    )
    found.append(
        Advice(
            "info",
            _(
                "DKIM: turn on signing for %(domain)s at your mail provider and publish the "
                "public key it gives you as a TXT record on <selector>._domainkey.%(domain)s. "
                "Then DMARC, starting by only collecting reports:"
            )
            % {"domain": domain},
            f"_dmarc.{domain} TXT v=DMARC1; p=none; rua=mailto:{address}",
        )
    )
    return found


def spf_mechanism(host: str) -> str:
    host = (host or "").lower().rstrip(".")
    for suffix, mechanism in SPF_INCLUDES.items():
        if host == suffix or host.endswith("." + suffix):
            return mechanism
    return f"a:{host}" if host and host not in ("localhost", "127.0.0.1") else "mx"
