"""Settings → Phone and SMS: connect 46elks or Twilio (the secret is never shown again
once saved), the webhook addresses to copy into the provider's console, a "send test
SMS" button that shows the provider's own answer when a credential is wrong, and the
SMS that wait or failed."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kundsvar.accounts.security import shop_admin_required
from kundsvar.channels.hooks import services as hooks
from kundsvar.channels.hooks.models import HookState, InboundHook
from kundsvar.core.delivery import DeliveryState

from . import outbox
from .forms import PhoneSettingsForm
from .models import OutboundSms, PhoneSettings, Provider
from .providers import elks, twilio
from .providers.http import ProviderError

_SENDERS = {Provider.ELKS: elks.send_sms, Provider.TWILIO: twilio.send_sms}


def webhook_urls(request, phone: PhoneSettings) -> list[tuple[str, str]]:
    """(what to paste it into, the address) for the shop's provider."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"phone:{name}", args=[phone.hook_token]))

    if phone.provider == Provider.ELKS:

        def basic(name: str) -> str:
            scheme, _sep, rest = url(name).partition("://")
            return f"{scheme}://kundsvar:{phone.hook_password}@{rest}"

        return [("sms_url", basic("elks_sms")), ("voice_start", basic("elks_voice"))]
    if phone.provider == Provider.TWILIO:
        return [
            (_("Messaging: A message comes in (HTTP POST)"), url("twilio_sms")),
            (_("Voice: A call comes in (HTTP POST)"), url("twilio_voice")),
            (_("Voice: Call status changes"), url("twilio_status")),
        ]
    return []


def send_test(phone: PhoneSettings, to: str) -> str:
    """Send one SMS now, outside the outbox, and return the provider's id; a wrong
    credential raises ProviderError with the provider's answer."""
    sender = _SENDERS[phone.provider]
    return sender(
        phone.account,
        phone.secret,
        sender=phone.number,
        to=to,
        body=_("Test from Kundsvar: %(shop)s can send SMS.") % {"shop": phone.shop.name},
        report_url="",
    )


@shop_admin_required
def phone_settings(request, shop):
    phone, _created = PhoneSettings.objects.get_or_create(shop=shop)
    form = PhoneSettingsForm(instance=phone)
    if request.method == "POST" and request.POST.get("action") == "test":
        to = request.POST.get("to", "").strip()
        if not phone.connected:
            messages.error(request, _("Connect a provider first."))
        elif not to.startswith("+"):
            messages.error(request, _("Write the number with its country code: +46…"))
        else:
            try:
                sms_id = send_test(phone, to)
            except ProviderError as error:
                messages.error(
                    request,
                    _("%(provider)s refused the test SMS: %(answer)s")
                    % {"provider": phone.get_provider_display(), "answer": error},
                )
            except OSError as error:
                messages.error(request, _("Could not reach the provider: %(e)s") % {"e": error})
            else:
                messages.success(request, _("Test SMS sent (id %(id)s).") % {"id": sms_id})
        return redirect("settings:phone", shop.slug)
    rows = OutboundSms.objects.filter(shop=shop).exclude(state=DeliveryState.SENT)
    if request.method == "POST" and request.POST.get("action") == "retry":
        count = len(outbox.retry_now(rows))
        messages.success(request, _("%(count)d SMS are being sent again.") % {"count": count})
        return redirect("settings:phone", shop.slug)
    failed = InboundHook.objects.filter(
        shop=shop, provider__in=Provider.values, state=HookState.FAILED
    ).order_by("-received_at")
    if request.method == "POST" and request.POST.get("action") == "retry_hooks":
        for hook in failed:
            hooks.retry(hook)
        messages.success(request, _("The webhooks are being processed again."))
        return redirect("settings:phone", shop.slug)
    if request.method == "POST":
        form = PhoneSettingsForm(request.POST, instance=phone)
        if form.is_valid():
            form.save()
            messages.success(request, _("Phone and SMS settings saved."))
            return redirect("settings:phone", shop.slug)
    return render(
        request,
        "phone/settings.html",
        {
            "shop": shop,
            "phone": phone,
            "form": form,
            "section": "phone",
            "urls": webhook_urls(request, phone),
            "has_secret": bool(phone.secret),
            "waiting": rows.select_related("case").order_by("-created_at")[:50],
            "failed_hooks": failed[:50],
        },
    )
