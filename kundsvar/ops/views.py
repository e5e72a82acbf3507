"""The customer's privacy page (GDPR), for the shop's admin: what we hold, who opened it,
"download everything" (ZIP) and "erase"."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kundsvar.accounts.security import admin_shops, shop_admin_required
from kundsvar.customers.models import Customer

from . import gdpr, retention
from .models import CustomerAccess, RetentionPolicy


def _customer_for_admin(request, pk: int) -> Customer:
    """The shop's admin gets the customer; an agent of the shop 403; anyone else 404."""
    customers = Customer.objects.select_related("shop")
    if not request.user.is_superuser:
        customers = customers.filter(shop__memberships__agent=request.user).distinct()
    customer = get_object_or_404(customers, pk=pk)
    if not admin_shops(request.user).filter(pk=customer.shop_id).exists():
        raise PermissionDenied
    return customer


@login_required
def privacy(request, pk: int):
    customer = _customer_for_admin(request, pk)
    gdpr.log_access(customer, request.user, CustomerAccess.What.PRIVACY_PAGE)
    return render(
        request,
        "ops/customer_privacy.html",
        {
            "customer": customer,
            "shop": customer.shop,
            "emails": customer.emails.all(),
            "phones": customer.phones.all(),
            "cases": customer.cases.order_by("-created_at")[:50],
            "accesses": customer.accesses.select_related("agent").order_by("-at")[:200],
        },
    )


@login_required
@require_POST
def export(request, pk: int):
    customer = _customer_for_admin(request, pk)
    gdpr.log_access(customer, request.user, CustomerAccess.What.EXPORT)
    response = HttpResponse(gdpr.export(customer), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="kund-{customer.pk}.zip"'
    return response


@login_required
@require_POST
def erase(request, pk: int):
    customer = _customer_for_admin(request, pk)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm: erasing cannot be undone."))
    else:
        gdpr.erase(customer, request.user)
        messages.success(request, _("The customer's personal data was erased."))
    return redirect("privacy:customer", customer.pk)


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["raw_mail_days", "closed_case_months", "chat_months"]


@require_http_methods(["GET", "POST"])
@shop_admin_required
def retention_settings(request, shop):
    policy = RetentionPolicy.objects.filter(shop=shop).first() or RetentionPolicy(shop=shop)
    form = RetentionForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Retention rules saved. The worker applies them daily."))
        return redirect("settings:retention", shop.slug)
    return render(
        request,
        "ops/retention.html",
        {
            "shop": shop,
            "section": "retention",
            "form": form,
            "preview": retention.preview(policy) if policy.pk else None,
        },
    )
