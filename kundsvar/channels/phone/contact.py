"""What the contact page and the widget say about the phone (rules C1, S5): open now or
not, when a callback asked for now would come, and — at a peak — that it is busy, with
the callback offered first. The contact page (channels.form) shows it and takes the
"ring mig" form; this module only says what to show."""

from datetime import datetime

from .forms import CallbackRequestForm
from .models import PhoneSettings
from .waits import phone_today


def phone_context(shop, now: datetime, language: str, form=None) -> dict:
    phone = PhoneSettings.objects.filter(shop=shop).first()
    return {
        "phone_today": phone_today(shop, now, language, phone),
        "callback_form": form or CallbackRequestForm(),
    }
