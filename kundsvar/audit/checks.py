"""The service audit's checkpoints (rule M1): one small function each, over the shop's
setup and its measured last 30 days, in the order of the report.

Each function takes the `Facts` of one shop and returns (status, figure); the decorator
adds the rule, why it matters and the settings page that fixes it. A checkpoint that has
nothing to measure says UNKNOWN and does not count towards the score.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kundsvar.insights.staffing import PER_DEDICATED_PERSON as PER_PERSON

from . import mailscore
from .facts import SAMPLE_QUESTION, SAMPLE_SUBJECT, Facts
from .result import FAIL, PASS, UNKNOWN, WARN, Result, band


@dataclass(frozen=True)
class Checkpoint:
    code: str
    rule: str
    group: str
    title: str
    weight: int
    why: str
    fix: str  # a URL name taking the shop's slug; "form:deflection" takes ?shop=
    run: Callable[[Facts], tuple[str, str]]

    def result(self, facts: Facts) -> Result:
        """Title, reason and group are kept in English (the msgid) and translated when
        shown, so a run reads in the language of whoever looks at it."""
        status, figure = self.run(facts)
        with translation.override("en"):
            return Result(
                self.code, self.rule, str(self.title), status, figure, str(self.why),
                self.weight, fix_url(self.fix, facts.shop), str(self.group),
            )  # fmt: skip


CHECKPOINTS: list[Checkpoint] = []


def checkpoint(rule, group, title, weight, why, fix):
    def register(run):
        CHECKPOINTS.append(Checkpoint(run.__name__, rule, group, title, weight, why, fix, run))
        return run

    return register


def fix_url(name: str, shop) -> str:
    if not name:
        return ""
    if name in ("form:deflection",):
        return f"{reverse(name)}?shop={shop.slug}"
    return reverse(name, kwargs={"slug": shop.slug})


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def _h(value: float | None) -> str:
    return "no answers measured" if value is None else f"{value:g} h"


CONTACT, ACK, TIMES, REPLIES, ORDERS, KNOWLEDGE, TEAM = (
    _("Contact"), _("Acknowledgement"), _("Response times"), _("Replies"),
    _("Orders and returns"), _("Self-service and feedback"), _("Team and staffing"),
)  # fmt: skip


# -- C: contact ---------------------------------------------------------------------------


@checkpoint("C1", CONTACT, _("Phone number on the contact page"), 3,
            _("A customer is never forced through a form to find a phone number."),
            "settings:profile")  # fmt: skip
def phone_number(f: Facts):
    return (PASS, f.shop.phone) if f.shop.phone else (FAIL, "no phone number set")


@checkpoint("C1", CONTACT, _("Toll-free phone number"), 1,
            _("A free number is the first thing the texts ask for on a contact page."),
            "settings:profile")  # fmt: skip
def toll_free(f: Facts):
    if not f.shop.phone:
        return FAIL, "no phone number"
    return (PASS, "toll-free") if f.shop.phone_is_free else (WARN, "not toll-free")


@checkpoint("C1", CONTACT, _("Opening hours set"), 3,
            _("Customers plan their call, and every promise is computed from the hours (A4)."),
            "settings:hours")  # fmt: skip
def opening_hours(f: Facts):
    days = len({h.weekday for h in f.opening_hours})
    return (PASS if days >= 5 else WARN if days else FAIL), f"{days} days a week"


@checkpoint("C1", CONTACT, _("Chat offered"), 1,
            _("Chat is one of the ways a contact page should offer (C1, C5)."),
            "settings:chat")  # fmt: skip
def chat_offered(f: Facts):
    on = f.chat is None or f.chat.enabled
    return (PASS, "chat on") if on else (WARN, "chat off")


@checkpoint("C5", CONTACT, _("Phone calls and SMS in the same queue"), 1,
            _("One queue and one history across channels: phone notes belong with the mail."),
            "settings:phone")  # fmt: skip
def phone_channel(f: Facts):
    if f.phone and f.phone.provider:
        return PASS, f"{f.phone.get_provider_display()} {f.phone.number}".strip()
    return WARN, "no phone provider connected"


@checkpoint("C4", CONTACT, _("Questions linked to orders"), 2,
            _("Customers rarely give an order number; the link is what lets you answer fast."),
            "commerce_settings:index")  # fmt: skip
def orders_linked(f: Facts):
    if not f.has_orders:
        return WARN, "no shop platform connected (no orders)"
    if not f.case_count:
        return UNKNOWN, "no questions in 30 days"
    share = round(100 * f.order_linked / f.case_count)
    return (PASS if share >= 30 else WARN), f"{share} % of {f.case_count} questions"


# -- A: the acknowledgement, rendered for a sample question --------------------------------


def _ack(f: Facts, code: str) -> tuple[str, str]:
    results = mailscore.ack_content(
        f.sample.ack, question=SAMPLE_QUESTION, subject=SAMPLE_SUBJECT, shop_name=f.shop.name,
        sent_at=f.sample.received_at, tz=f.shop.tz,
    )  # fmt: skip
    found = next(r for r in results if r.code == code)
    return found.status, found.figure


@checkpoint("A1", ACK, _("Acknowledgement has a copy of the question"), 2,
            _("The customer sees at once that the question arrived whole."),
            "settings:profile")  # fmt: skip
def ack_copy(f: Facts):
    return _ack(f, "ack_copy")


@checkpoint("A1", ACK, _("Acknowledgement has the case number"), 2,
            _("A case number lets the customer refer to the question without retelling it."),
            "settings:profile")  # fmt: skip
def ack_case_number(f: Facts):
    return _ack(f, "ack_case_number")


@checkpoint("A2", ACK, _("Acknowledgement subject names the shop and the question"), 2,
            _("\"Auto: …\", an empty subject or a bare \"Re:\" is lost among other mail."),
            "settings:profile")  # fmt: skip
def ack_subject(f: Facts):
    return _ack(f, "ack_subject")


@checkpoint("A3", ACK, _("Sender is a real customer-service address, not noreply"), 3,
            _("Replying to the acknowledgement must reach the case."),
            "settings:profile")  # fmt: skip
def ack_sender(f: Facts):
    return _ack(f, "ack_sender")


@checkpoint("A4", ACK, _("Acknowledgement promises a concrete time"), 3,
            _("\"Senast tisdag kl. 14.00\" is a promise; \"within five working days\" is not."),
            "settings:policies")  # fmt: skip
def ack_promise(f: Facts):
    return _ack(f, "ack_promise")


@checkpoint("A5", ACK, _("Acknowledgement links to self-service and the phone"), 1,
            _("Tracking, FAQ and the phone number answer many questions before we do."),
            "settings:profile")  # fmt: skip
def ack_self_service(f: Facts):
    text = mailscore.body_text(f.sample.ack)
    found = [s for s in (f.shop.phone, "/s/", "http") if s and s in text]
    return (PASS if f.shop.phone and f.shop.phone in text else WARN), (
        f"{len(found)} of phone, FAQ, links"
    )


@checkpoint("A6", ACK, _("No incoming mail stuck unprocessed"), 3,
            _("No inquiry is ever refused or silently dropped."),
            "settings:inbound_events")  # fmt: skip
def inbound_failures(f: Facts):
    n = f.failed_inbound
    return (PASS if not n else FAIL), f"{n} failed"


@checkpoint("A6", ACK, _("Outgoing mail delivered"), 2,
            _("An acknowledgement or answer that never arrives is a broken promise."),
            "settings:outgoing_mail")  # fmt: skip
def outbound_failures(f: Facts):
    n = f.failed_outbound
    return (PASS if not n else WARN if n < 3 else FAIL), f"{n} failed in 30 days"


# -- S: response times ------------------------------------------------------------------------


@checkpoint("S1", TIMES, _("Promised first answer within 6 hours"), 3,
            _("Under 2 h is very good, under 6 h acceptable, never over 24 h."),
            "settings:policies")  # fmt: skip
def promise_first(f: Facts):
    hours = _hours(max(p.first_response_minutes for p in f.policies))
    return band(hours, 6, 24), f"{hours:g} working hours"


@checkpoint("S1", TIMES, _("No promise later than 24 hours"), 3,
            _("Over 24 h is a failure and over 48 h the customer is lost."),
            "settings:policies")  # fmt: skip
def promise_ceiling(f: Facts):
    if any(p.flagged_by_audit for p in f.policies):
        return FAIL, "promises over 48 h allowed"
    hours = _hours(max(p.ceiling_minutes for p in f.policies))
    return band(hours, 24, 48), f"ceiling {hours:g} h"


@checkpoint("S1", TIMES, _("Median first answer (30 days)"), 3,
            _("Half the customers should have their answer within 2–6 hours."),
            "insights:responses")  # fmt: skip
def median_first_answer(f: Facts):
    value = f.waits[0].median_hours
    return band(value, 6, 24), _h(value)


@checkpoint("S1", TIMES, _("9 in 10 first answers within 24 hours (30 days)"), 3,
            _("The first answer must never take more than 24 hours."),
            "insights:responses")  # fmt: skip
def p90_first_answer(f: Facts):
    value = f.waits[0].p90_hours
    return band(value, 24, 48), _h(value)


@checkpoint("S2", TIMES, _("Promises kept (30 days)"), 3,
            _("A promise that is not kept is worse than none."),
            "insights:promise")  # fmt: skip
def promises_kept(f: Facts):
    first, follow, both = f.waits
    kept = both.kept_percent
    if kept is None:
        return UNKNOWN, "no promises measured"
    return (PASS if kept >= 90 else WARN if kept >= 75 else FAIL), (f"{kept} % of {both.promised}")


@checkpoint("S3", TIMES, _("Follow-ups answered faster than first questions"), 2,
            _("A customer who writes again has already waited once."),
            "insights:responses")  # fmt: skip
def follow_ups_faster(f: Facts):
    first, follow = f.waits[0].median_hours, f.waits[1].median_hours
    if first is None or follow is None:
        return UNKNOWN, "too few answers to compare"
    return (PASS if follow <= first else FAIL), f"{follow:g} h vs {first:g} h"


@checkpoint("S3", TIMES, _("Follow-up target shorter than the first answer's"), 1,
            _("The policy itself puts follow-ups first."),
            "settings:policies")  # fmt: skip
def follow_up_target(f: Facts):
    p = f.policy
    ok = p.follow_up_minutes < p.first_response_minutes
    return (PASS if ok else WARN), f"{_hours(p.follow_up_minutes):g} h vs " + (
        f"{_hours(p.first_response_minutes):g} h"
    )


@checkpoint("S5", TIMES, _("Every open hour has someone on shift"), 2,
            _("A channel without anyone on shift breaks every promise made in that hour."),
            "settings:shifts")  # fmt: skip
def hours_without_shift(f: Facts):
    gaps = f.plan.gap_hours
    return (PASS if not gaps else WARN if gaps <= 5 else FAIL), f"{gaps} hours short next week"


# -- R: replies, rendered for the same sample ---------------------------------------------------


def _reply(f: Facts, code: str) -> tuple[str, str]:
    results = mailscore.reply_content(
        f.sample.reply, f.sample.ack, question=SAMPLE_QUESTION, subject=SAMPLE_SUBJECT,
        shop_name=f.shop.name,
    )  # fmt: skip
    found = next(r for r in results if r.code == code)
    return found.status, found.figure


@checkpoint("R1", REPLIES, _("Answer from the acknowledgement's sender"), 1,
            _("Every reply then reaches the same case."), "settings:profile")  # fmt: skip
def reply_sender(f: Facts):
    return _reply(f, "reply_sender")


@checkpoint("R2", REPLIES, _("Answer subject names the shop and the question"), 2,
            _("The customer finds the answer among other mail."), "settings:profile")  # fmt: skip
def reply_subject(f: Facts):
    return _reply(f, "reply_subject")


@checkpoint("R3", REPLIES, _("Answer quotes the original question"), 1,
            _("The customer sees what the answer is about."), "settings:profile")  # fmt: skip
def reply_quote(f: Facts):
    return _reply(f, "reply_quote")


@checkpoint("R4", REPLIES, _("Answer asks whether the customer is satisfied"), 2,
            _("One click to rate and \"just reply\" invites a follow-up (F1)."),
            "settings:profile")  # fmt: skip
def reply_satisfaction(f: Facts):
    return _reply(f, "reply_satisfaction")


@checkpoint("R6", REPLIES, _("Saved replies to start from"), 1,
            _("A good starting point, adapted to the question, saves minutes per answer."),
            "settings:saved_replies")  # fmt: skip
def saved_replies(f: Facts):
    n = f.saved_replies
    return (PASS if n >= 5 else WARN), f"{n} saved replies"


@checkpoint("R7", REPLIES, _("Customers answered in their language"), 2,
            _("Norwegian, Danish and English customers should be answered in their language."),
            "settings:profile")  # fmt: skip
def languages_answered(f: Facts):
    spoken = {code for code, n in f.languages.items() if code and n}
    answered = {f.shop.language, *(f.shop.languages or [])}
    missing = sorted(spoken - answered)
    if not spoken:
        return UNKNOWN, "no questions in 30 days"
    return (
        (WARN, "not set: " + ", ".join(missing)) if missing else (PASS, ", ".join(sorted(spoken)))
    )


# -- O: orders, delivery, returns -----------------------------------------------------------------


def _notify(f: Facts, *names: str) -> tuple[str, str]:
    if f.commerce is None:
        return WARN, "commerce not set up"
    off = [n for n in names if not getattr(f.commerce, f"notify_{n}")]
    return (FAIL, "off: " + ", ".join(off)) if off else (PASS, "on")


@checkpoint("O1", ORDERS, _("Proactive order messages on"), 3,
            _("Told at every change, the customer rarely needs to ask where the order is."),
            "commerce_settings:index")  # fmt: skip
def proactive_order_mail(f: Facts):
    return _notify(f, "confirmed", "shipped", "delayed", "delivered")


@checkpoint("O1", ORDERS, _("Customer told when goods are awaited"), 1,
            _("A wait the customer knows about is not a broken promise."),
            "commerce_settings:index")  # fmt: skip
def waiting_for_goods(f: Facts):
    return _notify(f, "waiting")


@checkpoint("O3", ORDERS, _("Delivery windows narrow"), 2,
            _("Customers read the first number: \"2–14 days\" means 2 to them."),
            "commerce_settings:shipping")  # fmt: skip
def delivery_windows(f: Facts):
    if not f.shipping:
        return UNKNOWN, "no shipping methods"
    limit = f.commerce.wide_range_days if f.commerce else 3
    wide = [m.name for m in f.shipping if m.transit_max_days - m.transit_min_days > limit]
    return (WARN, "wide: " + ", ".join(wide)) if wide else (PASS, f"{len(f.shipping)} narrow")


@checkpoint("O5", ORDERS, _("Christmas last order dates published"), 2,
            _("From 1 November customers ask whether it arrives before Christmas."),
            "commerce_settings:shipping")  # fmt: skip
def christmas_dates(f: Facts):
    if not f.shipping:
        return UNKNOWN, "no shipping methods"
    season = date(f.today.year, 11, 1) <= f.today <= date(f.today.year, 12, 24)
    dated = [m for m in f.shipping if m.christmas_last_order]
    if not season:
        return PASS, f"out of season ({len(dated)} of {len(f.shipping)} dated)"
    if len(dated) == len(f.shipping):
        return PASS, f"{len(dated)} of {len(f.shipping)} dated"
    return FAIL, f"{len(dated)} of {len(f.shipping)} dated"


@checkpoint("O6", ORDERS, _("Customer told when a return arrives and money is sent"), 2,
            _("An itemised refund ends the \"where is my money\" mail."),
            "commerce_settings:index")  # fmt: skip
def return_messages(f: Facts):
    return _notify(f, "return_received", "refund_paid")


@checkpoint("O7", ORDERS, _("Return policy and fees visible"), 2,
            _("A hidden return fee turns into a complaint."),
            "commerce_settings:index")  # fmt: skip
def return_policy(f: Facts):
    c = f.commerce
    if c is None or not c.return_policy.strip():
        return FAIL, "no return policy text"
    fee = f"{c.return_shipping_fee_minor / 100:g} kr"
    return PASS, f"{c.return_days} days, return shipping {fee}"


@checkpoint("O8", ORDERS, _("Check-in after delivery"), 1,
            _("The purchase is not the end: a word after delivery brings the next one."),
            "commerce_settings:index")  # fmt: skip
def check_in(f: Facts):
    return _notify(f, "check_in")


# -- K, F: self-service and feedback --------------------------------------------------------------


@checkpoint("K1", KNOWLEDGE, _("FAQ has five articles or more"), 2,
            _("Five to ten articles answer most of what customers ask."),
            "knowledge:manage")  # fmt: skip
def faq_size(f: Facts):
    n = f.articles.get(f.shop.language, 0)
    return (PASS if n >= 5 else WARN if n else FAIL), f"{n} articles in {f.shop.language}"


@checkpoint("K1", KNOWLEDGE, _("FAQ covers the top questions customers ask"), 2,
            _("The questions asked most should be answered before they are asked."),
            "knowledge:questions")  # fmt: skip
def faq_covers_top_questions(f: Facts):
    top = f.top_questions
    if not top:
        return UNKNOWN, "no questions in 30 days"
    answered = sum(1 for q in top if q.answered)
    status = PASS if answered == len(top) else WARN if answered * 2 >= len(top) else FAIL
    return status, f"{answered} of the top {len(top)} answered"


@checkpoint("K1", KNOWLEDGE, _("FAQ in every language answered"), 1,
            _("A Norwegian customer reads a Norwegian FAQ first (R7)."),
            "knowledge:manage")  # fmt: skip
def faq_languages(f: Facts):
    wanted = {f.shop.language, *(f.shop.languages or [])}
    missing = sorted(code for code in wanted if not f.articles.get(code))
    return (WARN, "none in " + ", ".join(missing)) if missing else (PASS, ", ".join(sorted(wanted)))


@checkpoint("K3", KNOWLEDGE, _("Deflection measured"), 1,
            _("How many visitors found an answer without sending shows what the FAQ is worth."),
            "form:deflection")  # fmt: skip
def deflection(f: Facts):
    t = f.deflection
    if t is None or not t.sessions:
        return WARN, "no contact-form visits measured"
    return PASS, f"{t.deflected} of {t.sessions} visits found an answer"


@checkpoint("F1", KNOWLEDGE, _("Satisfaction asked and answered"), 2,
            _("Asking after each answer is how a shop learns what customers think."),
            "insights:dashboard")  # fmt: skip
def ratings_received(f: Facts):
    answers = f.waits[2].answers
    if not answers:
        return UNKNOWN, "no answers in 30 days"
    share = round(100 * f.ratings / answers)
    return (PASS if share >= 10 else WARN), f"{f.ratings} ratings on {answers} answers"


@checkpoint("F2", KNOWLEDGE, _("Customers satisfied"), 2,
            _("A bad rating reopens the case; many of them say something is wrong."),
            "insights:dashboard")  # fmt: skip
def satisfaction(f: Facts):
    good, bad = f.report.csat()
    if not good + bad:
        return UNKNOWN, "no ratings in 30 days"
    share = round(100 * good / (good + bad))
    return (PASS if share >= 80 else WARN if share >= 60 else FAIL), f"{share} % satisfied"


# -- T: team and staffing ------------------------------------------------------------------------


@checkpoint("T1", TEAM, _("Staffed for the volume (400 mails a month per person)"), 2,
            _("400 written questions a month need at least one dedicated person."),
            "settings:members")  # fmt: skip
def staffing_rule(f: Facts):
    need = max(f.plan.dedicated_floor, f.case_count // PER_PERSON, 1)
    figure = f"{f.case_count} questions in 30 days, {f.agents} agents for {need} needed"
    return (PASS if f.agents >= need else FAIL), figure


@checkpoint("T2", TEAM, _("More than one person can answer"), 1,
            _("Holidays and illness must not stop the answers."),
            "settings:members")  # fmt: skip
def more_than_one_agent(f: Facts):
    return (PASS if f.agents >= 2 else WARN), f"{f.agents} agents"


def run_all(facts: Facts) -> list[Result]:
    return [checkpoint_.result(facts) for checkpoint_ in CHECKPOINTS]
