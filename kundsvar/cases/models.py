from django.conf import settings
from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from kundsvar.core.addresses import key_and_domain


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting on customer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    FORM = "form", _("Web form")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    MESSENGER = "messenger", _("Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SOCIAL = "social", _("Social")  # before the platforms had codes of their own
    API = "api", _("API")


class SlaState(models.TextChoices):
    NONE = "none", _("Nothing owed")
    OK = "ok", _("On time")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# Statuses in which the shop owes the customer an answer.
OWED_STATUSES = (Status.NEW, Status.OPEN)


LANE_OWED, LANE_WAITING, LANE_CLOSED = 0, 1, 2


def _queue_keys(*leading: str) -> list:
    """The queue's order (queries.queue_order) after the given equality columns."""
    return [
        *(F(name) for name in leading),
        F("due_missing"),
        F("due_at"),
        F("is_follow_up").desc(),
        F("received_at"),
        F("id"),
    ]


class Tag(models.Model):
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["shop", "name"], name="tag_unique")]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """One customer question and everything said about it, on any channel."""

    number = models.PositiveIntegerField(_("case number"), unique=True)
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="cases")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="cases"
    )
    subject = models.CharField(_("subject"), max_length=200)
    subject_derived = models.BooleanField(
        default=False, help_text="The customer gave none; made from the text."
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=2, default="sv")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    # What the question is about: chosen by the customer on the form, detected from the
    # text (topics.intent), or set by an agent (topics.services.set_topic).
    topic = models.ForeignKey(
        "topics.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("topic"),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="cases")

    received_at = models.DateTimeField(_("received"))
    first_response_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # The promise currently owed: when the answer is due and since when it is owed.
    owed_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    at_risk_at = models.DateTimeField(null=True, blank=True)
    sla_state = models.CharField(max_length=16, choices=SlaState.choices, default=SlaState.NONE)
    beyond_ceiling = models.BooleanField(
        default=False,
        help_text=(
            "The opening hours leave no working hour before the ceiling: the promise is the "
            "first hour after reopening (rule S1)."
        ),
    )
    is_follow_up = models.BooleanField(_("follow-up"), default=False)

    # The queue's sort keys, kept by the database itself (generated columns), so that
    # every write path (services, the SLA sweep's bulk updates, imports) keeps them true:
    # the lane a status belongs to (LANE_OWED, LANE_WAITING, LANE_CLOSED), and whether
    # there is no deadline (deadlines first, without NULLS LAST, which SQLite's planner
    # cannot read from an index). See queue_order() and the case_queue_* indexes.
    lane = models.GeneratedField(
        expression=CaseWhen(
            When(status__in=["new", "open"], then=Value(0)),
            When(status__in=["waiting", "answered"], then=Value(1)),
            default=Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    due_missing = models.GeneratedField(
        expression=CaseWhen(When(due_at__isnull=True, then=Value(1)), default=Value(0)),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    satisfaction = models.SmallIntegerField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not columns. On the instance `services.start_case` returns, what the opening knew:
    # the acknowledgement of a case opened a moment ago need not read it back (A4's word
    # about the queue, and that the question is the case's only one).
    just_opened: bool = False
    opened_under_load: bool = False

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The queue: owed cases by deadline (rule S2). Partial, like hc's alert_after.
            models.Index(
                fields=["due_at"], name="case_due_owed", condition=Q(due_at__isnull=False)
            ),
            models.Index(
                fields=["at_risk_at"], name="case_at_risk_sweep", condition=Q(sla_state="ok")
            ),
            models.Index(fields=["shop", "status", "due_at"], name="case_shop_status_due"),
            models.Index(fields=["customer", "-received_at"], name="case_customer_recent"),
            # The closed view, newest first (1M cases: 1 s → under 1 ms on SQLite).
            models.Index(
                F("status"), F("closed_at").desc(), F("id").desc(), name="case_status_closed"
            ),
            # The queue views in their order (queries.queue_order) with LIMIT: an index
            # range read, never a sort of every owed case (1M cases: 500 ms → a few ms).
            models.Index(*_queue_keys("lane"), name="case_queue_lane"),
            models.Index(*_queue_keys("assignee"), name="case_queue_assignee"),
            models.Index(*_queue_keys(), name="case_queue_order"),
            # The snoozed view (soonest awake first, in SNOOZED_ORDER: no sort of the
            # many cases snoozed to the same morning) and the count of what is snoozed
            # now, read from the index alone (queries.view_counts).
            models.Index(
                fields=["snoozed_until", "id", "shop", "lane", "assignee"],
                name="case_snoozed",
                condition=Q(snoozed_until__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class Direction(models.TextChoices):
    INBOUND = "in", _("From the customer")
    OUTBOUND = "out", _("To the customer")
    NOTE = "note", _("Internal note")


# Message.parse_warnings holds codes (channels.email.parse, the intake services); these
# are the words the agent reads. NOTICES are not reading problems but something done.
NOTICES = {"personal_number_masked": _("Personal identity number masked")}
READING_PROBLEMS = {
    "compat32": _("an unusual MIME structure"),
    "unparsable": _("the structure could not be read; shown as raw text"),
    "bad_charset": _("unknown character encoding"),
    "8bit_header": _("a header with unencoded characters"),
    "undecodable_header": _("a header that could not be decoded"),
    "bad_address": _("an address that could not be read"),
    "bad_date": _("the date could not be read"),
    "missing_boundary": _("parts without boundaries; kept as plain text"),
    "bad_base64": _("a damaged attachment encoding"),
    "bad_encoding": _("a body whose encoding could not be undone"),
    "defects": _("other format defects"),
    "enclosed_body": _("the text comes from an attached message"),
    "no_body": _("no text at all"),
    "unprocessable": _("the message could not be processed automatically; the original is kept"),
    "too_large": _("larger than the shop accepts: only the first part arrived"),
    "attachment_failed": _("an attachment could not be stored"),
}
# Codes that are not reading problems: a badge of their own on the message, or (a
# platform's sticker or location) said in the message's own text.
BADGES = {"message_id_reused", "unsupported_message"}
OTHER_PROBLEM = _("another reading problem")


class Message(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    from_address = models.CharField(max_length=320, blank=True)
    # The sender as core.addresses counts it (lower case, +tag cut), inbound mail only:
    # the email channel's mail-loop check finds a domain's recent mail by these.
    from_key = models.CharField(max_length=320, blank=True, editable=False)
    from_domain = models.CharField(max_length=255, blank=True, editable=False)
    from_name = models.CharField(max_length=200, blank=True)
    to_addresses = models.JSONField(default=list, blank=True)
    # An agent's email answer: copies (Cc shows on the mail, Bcc only in the envelope).
    cc_addresses = models.JSONField(default=list, blank=True)
    bcc_addresses = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitised; never the sender's raw HTML.")
    new_text = models.TextField(blank=True, help_text="What is new: quotes and signature removed.")
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    raw_sha256 = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="The stored raw source, by content hash.",
    )
    parse_warnings = models.JSONField(default=list, blank=True)
    is_follow_up = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="message_case_time"),
            models.Index(fields=["from_domain", "created_at"], name="message_domain_time"),
            models.Index(fields=["from_key", "created_at"], name="message_sender_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on #{self.case.number}"

    def save(self, *args, **kwargs):
        self.fill_sender()
        super().save(*args, **kwargs)

    def fill_sender(self) -> None:
        """from_key and from_domain from from_address, for inbound mail. save() calls
        this; a caller that inserts without save() (core.inserts) calls it itself."""
        inbound = self.direction == Direction.INBOUND
        self.from_key, self.from_domain = key_and_domain(self.from_address if inbound else "")

    @property
    def display_text(self) -> str:
        return self.new_text or self.body_text

    def notices(self) -> list[str]:
        return [str(NOTICES[code]) for code in self.parse_warnings if code in NOTICES]

    def reading_problems(self) -> list[str]:
        """In words, once each; an unknown code (an exception's name after "unprocessable")
        is never shown as it is stored."""
        codes = [code for code in self.parse_warnings if code not in NOTICES and code not in BADGES]
        if "unprocessable" in codes:
            codes = ["unprocessable"]
        words = [str(READING_PROBLEMS.get(code, OTHER_PROBLEM)) for code in codes]
        return list(dict.fromkeys(words))


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    inline = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.filename


class Participant(models.Model):
    """Addresses taking part in a case; only they may thread into it (no cross-customer leaks)."""

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        CC = "cc", _("Copy")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    address = models.CharField(max_length=320)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "address"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return self.address


class EventKind(models.TextChoices):
    """Stored as codes; labels are translated when shown (never store the label)."""

    OPENED = "opened", _("Case opened")
    INBOUND = "inbound", _("Message received")
    FOLLOW_UP = "follow_up", _("Follow-up received")
    REPLIED = "replied", _("Reply sent")
    NOTE = "note", _("Note added")
    ASSIGNED = "assigned", _("Assigned")
    STATUS = "status", _("Status changed")
    MERGED = "merged", _("Merged")
    MERGED_INTO = "merged_into", _("Merged into another case")
    TAGGED = "tagged", _("Tags changed")
    DUE = "due", _("Answer due")
    AT_RISK = "at_risk", _("Promise at risk")
    BREACHED = "breached", _("Promise broken")
    ACKNOWLEDGED = "acknowledged", _("Acknowledgement sent")
    DELIVERY_FAILED = "delivery_failed", _("Message could not be delivered")
    BOUNCED = "bounced", _("Email bounced")
    DELIVERY_DELAYED = "delayed", _("Email delayed; the receiving server keeps trying")
    ORDER_LINKED = "order_linked", _("Order linked")
    ORDER_UNLINKED = "order_unlinked", _("Order link removed")
    PARTICIPANT = "participant", _("New participant")
    LANGUAGE = "language", _("Language changed")
    TOPIC = "topic", _("Topic changed")
    PRIORITY = "priority", _("Priority changed")
    AUTOMATION = "automation", _("Automation acted")
    FORWARDED = "forwarded", _("Message forwarded")


class CaseEvent(models.Model):
    """The audit trail: one row for every change to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.case_id}"


class SavedReply(models.Model):
    """A starting point for an answer, with variables such as {customer_first_name}.
    Rule R6: the agent is warned before sending one that was not adapted to the case."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=2, default="sv")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.title


class CaseView(models.Model):
    """When an agent last had a case open: unread markers in the queue, and the notice
    that a colleague has the same case open right now."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="views")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_views"
    )
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agent"], name="case_view_unique")]

    def __str__(self) -> str:
        return f"{self.agent} saw #{self.case_id}"


class Counter(models.Model):
    """Named counters for human numbers (case 10234) that stay unique across workers."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class QueueTally(models.Model):
    """How many cases there are per shop, lane, assignee (0: nobody) and SLA state: the
    counts on the queue's views without COUNT(*) over a million rows. Kept by database
    triggers on cases_case (migration 0013, `tallies.py`), so every write path counts.
    A key's count is the sum of its rows (one per stripe)."""

    shop_id = models.IntegerField()
    lane = models.SmallIntegerField()
    assignee_id = models.IntegerField()
    sla_state = models.CharField(max_length=16)
    # PostgreSQL: one of STRIPES rows per key, by transaction, so that workers opening
    # cases at the same moment do not all wait for one row's lock (tallies.py).
    stripe = models.SmallIntegerField(db_default=0)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop_id", "lane", "assignee_id", "sla_state", "stripe"],
                name="queue_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop_id}/{self.lane}/{self.assignee_id}/{self.sla_state}={self.n}"
