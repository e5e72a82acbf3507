"""Writes of the contact form: a question becomes a case through intake (C2, C3, A1–A4), and
what the visitor did with the suggested articles is counted (K3)."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kundsvar.cases.attachments import uploaded
from kundsvar.cases.models import Case, Message
from kundsvar.cases.services import Inbound
from kundsvar.core.language import promise_language
from kundsvar.core.privacy import mask_personal_numbers
from kundsvar.intake import services as intake
from kundsvar.shopper import services as shopper_services
from kundsvar.shopper.identity import Shopper
from kundsvar.topics import queries as topics

from . import knowledge
from .forms import topic_label
from .models import ArticleAction, FormSession, SuggestedArticle

QUERY_CHARS = 200


@dataclass
class Submission:
    """What the customer sent, already validated by the form."""

    name: str
    email: str
    message: str
    language: str
    order_number: str = ""
    topic: str = ""
    attachment: object | None = None  # an UploadedFile
    order: object | None = None  # the order a signed link was about
    verified: Shopper | None = None  # the shopper the shop's login vouched for (C4)

    tracking_number: str = ""
    items: str = ""


def start_session(shop, language: str, now: datetime | None = None) -> FormSession:
    """One visit to the contact form (K3)."""
    now = now or timezone.now()
    return FormSession.objects.create(
        shop=shop, language=language, started_at=now, last_seen_at=now
    )


def _body(submission: Submission, message: str, order_number: str, topic) -> str:
    """The question as the agent and the acknowledgement show it: the customer's words,
    then what they chose and filled in on the form, labelled in their language."""
    lines = []
    language = promise_language(submission.language)
    with translation.override(language):
        if order_number:
            lines.append(_("Order number: %(number)s") % {"number": order_number})
        if submission.tracking_number.strip():
            tracking = submission.tracking_number.strip()
            lines.append(_("Tracking number: %(number)s") % {"number": tracking})
        if submission.items.strip():
            lines.append(_("Items: %(items)s") % {"items": submission.items.strip()})
        label = topic.name(language) if topic is not None else topic_label(submission.topic)
        if label:
            lines.append(_("Topic: %(topic)s") % {"topic": label})
    return message.strip() + ("\n\n" + "\n".join(lines) if lines else "")


def submit(
    shop, submission: Submission, *, session_id: int | None = None, now: datetime | None = None
) -> tuple[Case, bool]:
    """Open a form case, link its order, acknowledge it (through intake). Returns (case,
    whether a personal identity number was masked). Sending the same text twice from one
    visit (a double click) gives the first case back instead of a second one."""
    now = now or timezone.now()
    message, masked = mask_personal_numbers(submission.message)
    name, masked_name = mask_personal_numbers(submission.name)
    order_number, masked_number = mask_personal_numbers(submission.order_number.strip())
    masked = bool(masked or masked_name or masked_number)
    upload = submission.attachment
    topic = topics.topic_for(shop, submission.topic)
    prepared = intake.prepare(
        Inbound(
            from_address=submission.email.strip(),
            from_name=name.strip(),
            body_text=_body(submission, message, order_number, topic),
            topic_id=topic.pk if topic is not None else None,
            received_at=now,
            language_hint=submission.language,
            parse_warnings=["personal_number_masked"] if masked else [],
        ),
        attachments=[uploaded(upload)] if upload else (),
    )
    case, received = _store(shop, prepared, session_id, now)
    if received is not None:
        # Only while the number from the signed link still stands in the form: a customer
        # who wiped it is asking about something else.
        order = submission.order
        hint = order if order is not None and order_number == order.number else None  # type: ignore[attr-defined]  # an Order
        intake.follow_through(received, order_hint=hint)
        if submission.verified is not None:
            shopper_services.mark_verified(received.message, submission.verified, now)
    return case, masked or prepared.masked


@transaction.atomic
def _store(
    shop, prepared: intake.Prepared, session_id: int | None, now: datetime
) -> tuple[Case, intake.Received | None]:
    """The case and the visit's bookkeeping in one commit, the visit locked: of two quick
    presses the second finds the first's case (and gets None for what was received)."""
    session = (
        FormSession.objects.select_for_update().filter(pk=session_id, shop=shop).first()
        if session_id
        else None
    )
    body = prepared.inbound.body_text
    if (
        session
        and session.case_id
        and Message.objects.filter(case_id=session.case_id, body_text=body).exists()
    ):
        return session.case, None  # type: ignore[return-value]  # case_id is set
    received = intake.store(shop, "form", prepared)
    if session:
        FormSession.objects.filter(pk=session.pk).update(
            sent_at=session.sent_at or now, case=session.case or received.case, last_seen_at=now
        )
    return received.case, received


def _session(shop, session_id: int | None):
    return FormSession.objects.filter(pk=session_id, shop=shop) if session_id else None


def record_suggestions(
    shop, session_id: int | None, text: str, articles: list, now: datetime | None = None
) -> None:
    """Suggestions were shown (or none were found: a possible content gap)."""
    sessions = _session(shop, session_id)
    if sessions is None:
        return
    now = now or timezone.now()
    query = " ".join(mask_personal_numbers(text)[0].split())[:QUERY_CHARS]
    with transaction.atomic():
        changes = {
            "last_seen_at": now,
            "last_query": query,
            "last_query_results": min(len(articles), 255),
        }
        if articles:
            changes["suggestions_shown"] = F("suggestions_shown") + 1
        if not sessions.update(**changes) or not articles:
            return
        SuggestedArticle.objects.bulk_create(
            [
                SuggestedArticle(
                    session_id=session_id,  # type: ignore[misc]  # not None: sessions was found
                    article_id=a.pk,
                    title=a.title[:200],
                    action=ArticleAction.SHOWN,
                    created_at=now,
                )
                for a in articles
            ],
            ignore_conflicts=True,
        )


def record_found(
    shop, session_id: int | None, article, action: str, now: datetime | None = None
) -> bool:
    """The visitor opened a suggested article or said it answered the question. The
    first "yes, that answered it" in a visit is also the article's helpful vote."""
    sessions = _session(shop, session_id)
    if sessions is None:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        if not sessions.update(last_seen_at=now):
            return False
        sessions.filter(found_at__isnull=True).update(found_at=now)
        _row, created = SuggestedArticle.objects.get_or_create(
            session_id=session_id,
            article_id=article.pk,
            action=action,
            defaults={"title": article.title[:200], "created_at": now},
        )
        if created and action == ArticleAction.ANSWERED:
            knowledge.record_helpful(article, session_id)  # type: ignore[arg-type]  # sessions found
    return True
