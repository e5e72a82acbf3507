"""The shop admin's commerce settings (rules O1, O3, O5–O8): which order messages go
out, the check-in delay, the wide-range threshold, the return policy and fee, the
platforms' webhook secrets, and the shipping methods with their transit times and
Christmas last order dates. Only the shop's admins may open these pages."""

import copy
from decimal import Decimal

from babel.numbers import get_currency_precision
from django import forms
from django.contrib import messages
from django.core.validators import MinValueValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kundsvar.accounts.security import shop_admin_required

from . import delivery, services
from .models import Carrier, CommerceSettings, ShippingMethod

SWITCHES = [
    "notify_confirmed",
    "notify_waiting",
    "notify_shipped",
    "notify_delayed",
    "notify_delivered",
    "notify_return_received",
    "notify_refund_paid",
    "notify_check_in",
]
SECRETS = ["shopify_secret", "woocommerce_secret"]
# The shop's money is in its country's currency; the fee is entered in whole units.
CURRENCY = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "FI": "EUR"}


def masked(secret: str) -> str:
    """Enough to recognise a secret, not enough to use it."""
    if not secret:
        return ""
    return "•" * 8 + secret[-4:] if len(secret) > 8 else "•" * 8


class CommerceSettingsForm(forms.ModelForm):
    return_shipping_fee = forms.DecimalField(
        label=gettext_lazy("Return shipping fee"),
        min_value=0,
        decimal_places=2,
        max_digits=10,
        help_text=gettext_lazy(
            "Deducted from a refund when the customer returns by choice. 0: free returns."
        ),
    )
    shopify_secret = forms.CharField(
        label=gettext_lazy("Shopify webhook secret"), required=False, widget=forms.PasswordInput
    )
    woocommerce_secret = forms.CharField(
        label=gettext_lazy("WooCommerce webhook secret"), required=False, widget=forms.PasswordInput
    )
    clear_shopify_secret = forms.BooleanField(
        label=gettext_lazy("Remove the Shopify secret"), required=False
    )
    clear_woocommerce_secret = forms.BooleanField(
        label=gettext_lazy("Remove the WooCommerce secret"), required=False
    )

    class Meta:
        model = CommerceSettings
        fields = [*SWITCHES, "check_in_days", "wide_range_days", "return_days", "return_policy"]
        # The model's help text cites the rule for developers; the shop reads words.
        help_texts = {
            "return_policy": gettext_lazy(
                "In plain words, shown on the order page and in refund messages."
            )
        }

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.precision = get_currency_precision(currency)
        self.fields["return_shipping_fee"].initial = Decimal(
            self.instance.return_shipping_fee_minor
        ).scaleb(-self.precision)
        self.fields["return_shipping_fee"].label = _("Return shipping fee (%(currency)s)") % {
            "currency": currency
        }
        for name in SECRETS:
            current = getattr(self.instance, name)
            field = self.fields[name]
            field.help_text = (
                _("Set: %(masked)s. Leave empty to keep it.") % {"masked": masked(current)}
                if current
                else _("Not set: webhooks from this platform are refused.")
            )
        # Checking in on the day of delivery would be before the customer has unpacked.
        check_in = self.fields["check_in_days"]
        check_in.validators.append(MinValueValidator(1))
        check_in.widget.attrs["min"] = 1

    def values(self) -> dict:
        """The cleaned values as model fields: the fee in minor units, secrets left
        empty kept as they are."""
        data = self.cleaned_data
        values = {name: data[name] for name in self._meta.fields}
        values["return_shipping_fee_minor"] = int(
            data["return_shipping_fee"].scaleb(self.precision)
        )
        for name in SECRETS:
            if data[f"clear_{name}"]:
                values[name] = ""
            elif data[name]:
                values[name] = data[name].strip()
        return values


class ShippingMethodForm(forms.ModelForm):
    carrier = forms.ChoiceField(label=gettext_lazy("Carrier"), required=False, choices=[])

    class Meta:
        model = ShippingMethod
        fields = [
            "code",
            "name",
            "carrier",
            "transit_min_days",
            "transit_max_days",
            "christmas_last_order",
            "active",
        ]
        widgets = {
            "christmas_last_order": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }

    def __init__(self, shop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop
        choices = [(c.code, c.name) for c in Carrier.objects.all()]
        current = self.instance.carrier
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["carrier"].choices = [("", "—"), *choices]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = ShippingMethod.objects.filter(shop=self.shop, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another shipping method has this code."))
        return code

    def clean(self):
        data = super().clean()
        low, high = data.get("transit_min_days"), data.get("transit_max_days")
        if low is not None and high is not None and low > high:
            self.add_error(
                "transit_max_days", _("The most working days cannot be fewer than the fewest.")
            )
        return data


# -- writes ---------------------------------------------------------------------------


def _currency(shop) -> str:
    return CURRENCY.get(shop.country, "SEK")


@shop_admin_required
def index(request, shop):
    settings = CommerceSettings.for_shop(shop)
    form = CommerceSettingsForm(
        request.POST or None, instance=copy.copy(settings), currency=_currency(shop)
    )
    if form.is_valid():
        services.save_settings(settings, **form.values())
        messages.success(request, _("Order settings saved."))
        return redirect("commerce_settings:index", shop.slug)
    return render(
        request,
        "commerce/settings/index.html",
        {
            "shop": shop,
            "form": form,
            "section": "commerce",
            "switches": [form[name] for name in SWITCHES],
        },
    )


@shop_admin_required
def shipping(request, shop):
    settings = CommerceSettings.for_shop(shop)
    today = timezone.localdate(timezone=shop.tz)
    deadlines = {m.pk: passed for m, _day, passed in delivery.christmas_deadlines(shop, today)}
    carriers = dict(Carrier.objects.values_list("code", "name"))
    rows = [
        {
            "method": m,
            "carrier": carriers.get(m.carrier, m.carrier),
            "wide": delivery.is_wide(m.transit_min_days, m.transit_max_days, settings),
            "christmas_passed": deadlines.get(m.pk, False),
        }
        for m in shop.shipping_methods.all()
    ]
    return render(
        request,
        "commerce/settings/shipping.html",
        {
            "shop": shop,
            "rows": rows,
            "settings": settings,
            "section": "commerce",
            "season": delivery.in_christmas_season(today),
        },
    )


@shop_admin_required
def shipping_edit(request, shop, pk=None):
    method = get_object_or_404(ShippingMethod, shop=shop, pk=pk) if pk else None
    form = ShippingMethodForm(shop, request.POST or None, instance=copy.copy(method))
    if form.is_valid():
        saved = services.save_shipping_method(shop, method, **form.cleaned_data)
        settings = CommerceSettings.for_shop(shop)
        if delivery.is_wide(saved.transit_min_days, saved.transit_max_days, settings):
            messages.warning(
                request,
                _(
                    "%(name)s promises %(low)s–%(high)s working days. Customers read the first "
                    "number: a narrower range is more honest (rule O3)."
                )
                % {
                    "name": saved.name,
                    "low": saved.transit_min_days,
                    "high": saved.transit_max_days,
                },
            )
        messages.success(request, _("Shipping method saved."))
        return redirect("commerce_settings:shipping", shop.slug)
    return render(
        request,
        "commerce/settings/shipping_form.html",
        {"shop": shop, "form": form, "method": method, "section": "commerce"},
    )
