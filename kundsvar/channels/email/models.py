from django.db import models
from django.utils.translation import gettext_lazy as _

from kundsvar.channels.outbox import OutboundKind
from kundsvar.core.addresses import key_and_domain
from kundsvar.core.crypto import EncryptedTextField
from kundsvar.core.delivery import DeliveryRow

__all__ = [
    "Mailbox",
    "OAuthConnection",
    "OutboundEmail",
    "OutboundKind",
    "OutboundState",
    "RawMessage",
    "SmtpServer",
]


class Source(models.TextChoices):
    IMAP = "imap", "IMAP"
    SMTP = "smtp", "SMTP/LMTP"
    HTTP = "http", "HTTP"
    IMPORT = "import", _("Import")


class RawState(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSING = "processing", _("Being processed")
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate of a message already here")
    IGNORED = "ignored", _("Stored, no case (bounce or auto-reply handled)")
    FAILED = "failed", _("Failed; kept for a retry")


class RawMessage(models.Model):
    """Every inbound email exactly as it arrived (rule A6). The bytes live in the
    content-addressed store under var/; this row says where it came from and what
    became of it."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    # Only the first MAIL_MAX_MESSAGE_SIZE bytes of a larger message came in (HTTP 413).
    truncated = models.BooleanField(default=False)
    source = models.CharField(max_length=8, choices=Source.choices)
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    envelope_to = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=12, choices=RawState.choices, default=RawState.PENDING)
    kind = models.CharField(max_length=12, blank=True)  # normal, auto_reply, bounce, bulk
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    case_message = models.ForeignKey(
        "cases.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raw_sources",
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker last took it (PROCESSING): its lease runs from here, not from when
    # the mail arrived (a backlog's rows arrived long before a worker reaches them).
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "received_at"], name="raw_state_time")]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.state})"


class OutboundState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


class OutboundEmail(DeliveryRow):
    """One email to send, a row of the delivery machine (kundsvar.core.delivery): the
    worker sends it, retries with backoff while the SMTP server is away, and a
    failure shows on the case. A bounce that comes back later makes it BOUNCED."""

    # Empty for messages about an order that no case asked for (rules O1, O6, O8).
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="outbound"
    )
    case_message = models.ForeignKey(
        "cases.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="outbound"
    )
    kind = models.CharField(max_length=8, choices=OutboundKind.choices)
    from_address = models.CharField(max_length=320)
    to_address = models.CharField(max_length=320, db_index=True)
    # The recipient as core.addresses counts it: the acknowledgement limits (loops.py)
    # count the last hour's rows to one sender and one domain by these.
    to_key = models.CharField(max_length=320, blank=True, editable=False)
    to_domain = models.CharField(max_length=255, blank=True, editable=False)
    subject = models.CharField(max_length=998)
    message_id = models.CharField(max_length=998, unique=True)
    mime = models.BinaryField(help_text="The complete message, as it goes on the wire.")
    # The delivery states plus BOUNCED; attempts, lease and errors come with DeliveryRow.
    state = models.CharField(
        max_length=8, choices=OutboundState.choices, default=OutboundState.QUEUED
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="outbound_due", condition=models.Q(state="queued")
            ),
            models.Index(fields=["to_key", "created_at"], name="outbound_sender_time"),
            models.Index(fields=["to_domain", "created_at"], name="outbound_domain_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address} ({self.state})"

    def save(self, *args, **kwargs):
        self.fill_recipient()
        super().save(*args, **kwargs)

    def fill_recipient(self) -> None:
        """to_key and to_domain from to_address. save() calls this; outbox.queue, which
        inserts without save() (core.inserts), calls it itself."""
        self.to_key, self.to_domain = key_and_domain(self.to_address)


class SignIn(models.TextChoices):
    PASSWORD = "password", _("User name and password")
    OAUTH2 = "oauth2", _("OAuth2 (Microsoft 365, Google Workspace)")


class Mailbox(models.Model):
    """An IMAP mailbox Kundsvar polls for a shop. Progress is tracked by UIDVALIDITY and
    UID, never by the \\Seen flag: a person reading the mailbox in Outlook must not make
    a customer's message invisible to us."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="mailboxes")
    name = models.CharField(_("name"), max_length=80)
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_tls = models.BooleanField(_("TLS"), default=True)
    sign_in = models.CharField(
        _("sign-in"), max_length=8, choices=SignIn.choices, default=SignIn.PASSWORD
    )
    username = models.CharField(_("username"), max_length=255)
    # encrypted at rest (core.crypto); empty with OAuth2
    password = EncryptedTextField(_("password"), blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    move_to = models.CharField(_("move processed mail to"), max_length=255, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class SmtpSecurity(models.TextChoices):
    STARTTLS = "starttls", _("STARTTLS (port 587)")
    TLS = "tls", _("TLS (port 465)")
    NONE = "none", _("None (only inside your own network)")


class SmtpServer(models.Model):
    """The shop's own outgoing mail server. Without one (or disabled) the installation's
    EMAIL_URL sends the shop's mail."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="smtp_server")
    host = models.CharField(_("SMTP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=587)
    security = models.CharField(
        _("encryption"), max_length=8, choices=SmtpSecurity.choices, default=SmtpSecurity.STARTTLS
    )
    sign_in = models.CharField(
        _("sign-in"), max_length=8, choices=SignIn.choices, default=SignIn.PASSWORD
    )
    username = models.CharField(_("username"), max_length=255, blank=True)
    password = EncryptedTextField(_("password"), blank=True)  # encrypted at rest (core.crypto)
    enabled = models.BooleanField(_("send the shop's mail through this server"), default=True)
    last_tested_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing mail server")
        verbose_name_plural = _("outgoing mail servers")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}:{self.port}" if self.username else self.host


class OAuthProvider(models.TextChoices):
    MICROSOFT = "microsoft", "Microsoft 365"
    GOOGLE = "google", "Google Workspace"
    CUSTOM = "custom", _("Other (endpoints typed in)")


class OAuthStatus(models.TextChoices):
    NEW = "new", _("Not connected yet")
    CONNECTED = "connected", _("Connected")
    RECONNECT = "reconnect", _("Needs to be connected again")


class OAuthConnection(models.Model):
    """The shop's sign-in to Microsoft 365 or Google Workspace for its mail (OAuth2,
    kundsvar/channels/email/oauth.py): the app registration (client id and secret), and
    the tokens the authorization-code flow gave. Mailboxes and the SMTP server whose
    sign-in is OAuth2 log in with XOAUTH2 and this connection's access token."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="mail_oauth")
    provider = models.CharField(
        _("provider"), max_length=10, choices=OAuthProvider.choices, default=OAuthProvider.MICROSOFT
    )
    tenant = models.CharField(
        _("tenant (directory) id"), max_length=100, blank=True, default="organizations"
    )
    client_id = models.CharField(_("client id"), max_length=255)
    client_secret = EncryptedTextField(_("client secret"), blank=True)
    authorize_url = models.URLField(_("authorization endpoint"), max_length=500, blank=True)
    token_url = models.URLField(_("token endpoint"), max_length=500, blank=True)
    scope = models.CharField(_("scopes"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=OAuthStatus.choices, default=OAuthStatus.NEW)
    account = models.CharField(_("signed-in account"), max_length=320, blank=True)
    access_token = EncryptedTextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token = EncryptedTextField(blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("OAuth2 sign-in")
        verbose_name_plural = _("OAuth2 sign-ins")

    def __str__(self) -> str:
        return f"{self.provider} {self.account or self.client_id} ({self.status})"
