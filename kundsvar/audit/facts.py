"""Everything the checkpoints read about one shop, each read once and only when a
checkpoint asks (cached properties). The audit reads; it writes nothing but its own run."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.db import transaction
from django.db.models import Q

from kundsvar.accounts.models import Membership
from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, SavedReply
from kundsvar.cases.services import Inbound
from kundsvar.channels.chat.models import ChatSettings
from kundsvar.channels.email import emails
from kundsvar.channels.email.models import OutboundEmail, OutboundState, RawMessage, RawState
from kundsvar.channels.form import queries as form_queries
from kundsvar.channels.phone.models import PhoneSettings
from kundsvar.commerce.models import CaseOrder, CommerceSettings, Order, ShippingMethod
from kundsvar.feedback.models import Rating
from kundsvar.insights import staffing
from kundsvar.insights.reports import Period, Report
from kundsvar.knowledge import queries as knowledge
from kundsvar.sla.models import ResponsePolicy

DAYS = 30  # "the last 30 days" of every measured checkpoint
TOP_QUESTIONS = 5  # K1: "an FAQ answering the top 5–10 questions"

# The sample question the acknowledgement and the answer are rendered for (A1–A4, R1–R4).
SAMPLE_SUBJECT = "Leveranstid jacka"
SAMPLE_QUESTION = (
    "Hej! Jag beställde en vinterjacka i fredags, order 100231. "
    "När kan jag räkna med leverans?\n\nMvh Karin"
)
SAMPLE_ANSWER = "Hej Karin! Jackan skickades i dag med PostNord och kommer fram på torsdag."


@dataclass
class Sample:
    ack: object  # EmailMessage
    reply: object
    received_at: datetime


class Facts:
    def __init__(self, shop, now: datetime):
        self.shop = shop
        self.now = now
        self.since = now - timedelta(days=DAYS)

    @cached_property
    def today(self):
        return self.now.astimezone(self.shop.tz).date()

    @cached_property
    def report(self) -> Report:
        return Report(self.shop, Period(self.today - timedelta(days=DAYS - 1), self.today))

    @cached_property
    def waits(self):
        """(first answers, answers to follow-ups, all) in the last 30 days."""
        return self.report.waits_split()

    @cached_property
    def policy(self) -> ResponsePolicy:
        """The shop's policy for every channel, or the defaults it would get."""
        policies = list(ResponsePolicy.objects.filter(shop=self.shop))
        return next((p for p in policies if not p.channel), None) or ResponsePolicy(shop=self.shop)

    @cached_property
    def policies(self) -> list[ResponsePolicy]:
        return list(ResponsePolicy.objects.filter(shop=self.shop)) or [self.policy]

    @cached_property
    def opening_hours(self) -> list:
        return list(self.shop.opening_hours.all())

    @cached_property
    def commerce(self) -> CommerceSettings | None:
        return CommerceSettings.objects.filter(shop=self.shop).first()

    @cached_property
    def shipping(self) -> list[ShippingMethod]:
        return list(ShippingMethod.objects.filter(shop=self.shop, active=True))

    @cached_property
    def has_orders(self) -> bool:
        return Order.objects.filter(shop=self.shop).exists()

    @cached_property
    def recent_cases(self):
        return Case.objects.filter(
            shop=self.shop, received_at__gte=self.since, merged_into__isnull=True
        )

    @cached_property
    def case_count(self) -> int:
        return self.recent_cases.count()

    @cached_property
    def languages(self) -> Counter:
        return Counter(self.recent_cases.values_list("language", flat=True))

    @cached_property
    def order_linked(self) -> int:
        return (
            CaseOrder.objects.filter(case__in=self.recent_cases)
            .values("case_id")
            .distinct()
            .count()
        )

    @cached_property
    def articles(self) -> Counter:
        """Published FAQ articles per language."""
        return Counter(knowledge.published(self.shop).values_list("language", flat=True))

    @cached_property
    def top_questions(self) -> list:
        """The biggest groups of recent questions, each with whether an article answers it."""
        # Imported here: the clustering needs numpy, which is an optional extra (semantic);
        # the rest of Kundsvar, the audit's page included, must import without it.
        from kundsvar.insights import topics

        return topics.questions(self.shop, self.now)[1][:TOP_QUESTIONS]

    @cached_property
    def deflection(self):
        return form_queries.totals(form_queries.weeks(self.shop, self.since, self.now))

    @cached_property
    def ratings(self) -> int:
        return Rating.objects.filter(case__shop=self.shop, created_at__gte=self.since).count()

    @cached_property
    def chat(self) -> ChatSettings | None:
        return ChatSettings.objects.filter(shop=self.shop).first()

    @cached_property
    def phone(self) -> PhoneSettings | None:
        return PhoneSettings.objects.filter(shop=self.shop).first()

    @cached_property
    def agents(self) -> int:
        return Membership.objects.filter(shop=self.shop, agent__is_active=True).count()

    @cached_property
    def saved_replies(self) -> int:
        return SavedReply.objects.filter(shop=self.shop).count()

    @cached_property
    def failed_inbound(self) -> int:
        return RawMessage.objects.filter(
            Q(shop=self.shop) | Q(shop__isnull=True), state=RawState.FAILED
        ).count()

    @cached_property
    def failed_outbound(self) -> int:
        return OutboundEmail.objects.filter(
            case__shop=self.shop, state=OutboundState.FAILED, created_at__gte=self.since
        ).count()

    @cached_property
    def plan(self):
        return staffing.plan(self.shop, self.now)

    @cached_property
    def sample(self) -> Sample:
        return render_sample(self.shop, self.now)


def render_sample(shop, now: datetime) -> Sample:
    """A real acknowledgement and a real answer, made by the same services and templates as
    a customer's, for a sample question; then rolled back, so no case is left behind."""
    with transaction.atomic():
        inbound = Inbound(
            from_address="karin.provkund@example.se",
            from_name="Karin Provkund",
            subject=SAMPLE_SUBJECT,
            body_text=SAMPLE_QUESTION,
            received_at=now,
            language="sv",
            message_id="<service-audit-sample@kundsvar.invalid>",
        )
        case, question = cases.start_case(shop, "email", inbound)
        ack = emails.acknowledgement(case, question)
        answer = cases.reply(case, None, SAMPLE_ANSWER, now=now, channel="email")
        reply = emails.reply(case, answer, question)
        transaction.set_rollback(True)
    return Sample(ack=ack, reply=reply, received_at=now)
