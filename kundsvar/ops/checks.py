"""Our checks for `kundsvar check --deploy` (Django's deployment checks run with them):
the settings a production installation must have beyond Django's own."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from kundsvar.core import crypto

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


@register(Tags.security, deploy=True)
def deploy_settings(app_configs=None, **kwargs):
    found = []
    try:
        crypto.encrypt("check")
    except ImproperlyConfigured as error:
        found.append(
            Error(str(error), hint="Make one: see kundsvar/core/crypto.py.", id="kundsvar.E001")
        )
    if not [k for k in settings.ENCRYPTION_KEYS if k.strip()]:
        found.append(
            Warning(
                "ENCRYPTION_KEY is not set: mailbox and SMTP passwords are encrypted with a key "
                "derived from SECRET_KEY.",
                hint="Set ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE) to a Fernet key, see "
                "kundsvar/core/crypto.py.",
                id="kundsvar.W001",
            )
        )
    if set(settings.ALLOWED_HOSTS) <= LOCAL_HOSTS:
        found.append(
            Warning(
                "ALLOWED_HOSTS names only this machine.",
                hint="Set ALLOWED_HOSTS to the public host name(s).",
                id="kundsvar.W002",
            )
        )
    if urlsplit(settings.SITE_URL).scheme != "https":
        found.append(
            Warning(
                "KUNDSVAR_SITE_URL is not https: links in customers' mail would be plain http.",
                hint="Set KUNDSVAR_SITE_URL=https://support.example.se and HTTPS=true.",
                id="kundsvar.W003",
            )
        )
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        found.append(
            Warning(
                "EMAIL_URL does not send mail (console, file or memory).",
                hint="Set EMAIL_URL=smtp+tls://user:password@smtp.example.se:587.",
                id="kundsvar.W004",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        found.append(
            Warning(
                "The database is SQLite: one machine, one worker.",
                hint="Use PostgreSQL for several web processes and workers (docs/deploy.md).",
                id="kundsvar.W005",
            )
        )
    if settings.METRICS_TOKEN and len(settings.METRICS_TOKEN) < 24:
        found.append(
            Warning(
                "METRICS_TOKEN is short.",
                hint="Use 24 random characters or more.",
                id="kundsvar.W006",
            )
        )
    return found
