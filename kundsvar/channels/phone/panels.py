"""The phone panel beside the conversation (registered in workspace.panels): the
callback and its attempts, click-to-call links, one-click call logging, the calls
logged, and the SMS sent with their delivery reports (rules C5, S5, T3)."""

from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string

from kundsvar.cases.models import Case
from kundsvar.core.phones import tel_href

from .channel import number_of, settings_for
from .forms import CallForm
from .models import Call, Callback, OutboundSms


def _calls_or_texts(case) -> bool:
    found = (
        Case.objects.filter(pk=case.pk)
        .values_list(
            Exists(Call.objects.filter(case=OuterRef("pk"))),
            Exists(OutboundSms.objects.filter(case=OuterRef("pk"))),
        )
        .first()
    )
    return bool(found and any(found))


def phone_panel(case, agent) -> str | None:
    phones = list(case.customer.phones.all())
    if case.channel not in ("phone", "sms") and not phones and not _calls_or_texts(case):
        return None  # an email case of a customer without a phone: one query, not three
    callback = Callback.objects.filter(case=case).first()
    calls = list(Call.objects.filter(case=case).select_related("agent"))
    sms = list(OutboundSms.objects.filter(case=case).order_by("created_at", "pk"))
    if case.channel not in ("phone", "sms") and not (phones or calls or sms):
        return None
    number = number_of(case)
    settings = settings_for(case.shop)
    return render_to_string(
        "phone/_panel.html",
        {
            "case": case,
            "callback": callback,
            "calls": calls,
            "sms": sms,
            "numbers": [
                (f"+{p.normalized}", tel_href(f"+{p.normalized}"), p.number) for p in phones
            ]
            or ([(f"+{number}", tel_href(f"+{number}"), f"+{number}")] if number else []),
            "form": CallForm(initial={"number": f"+{number}" if number else ""}),
            "texts": bool(settings and settings.sends_sms),
        },
    )
