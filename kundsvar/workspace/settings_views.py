"""The saved replies' settings pages, under /settings/<shop>/saved-replies/: the shop
admin writes the starting points the composer offers (rules R6, R7)."""

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import shop_admin_required
from kundsvar.cases import services
from kundsvar.cases.models import SavedReply

from .forms import SavedReplyForm

# The placeholders a saved reply may use; the composer fills them in (rule R7).
REPLY_VARIABLES = [
    ("{customer_first_name}", gettext_lazy("the customer's first name")),
    ("{customer_name}", gettext_lazy("the customer's full name")),
    ("{case_number}", gettext_lazy("the case number")),
    ("{shop_name}", gettext_lazy("the shop's name")),
    ("{agent_first_name}", gettext_lazy("the first name of the agent who answers")),
    # Filled from the order the case is proven to be about (rule C4); else left in braces.
    ("{order_number}", gettext_lazy("the order number")),
    ("{order_status}", gettext_lazy("the order's status")),
    ("{expected_delivery}", gettext_lazy("the expected delivery")),
    ("{carrier}", gettext_lazy("the carrier")),
    ("{carrier_phone}", gettext_lazy("the carrier's customer-service phone")),
    ("{tracking_link}", gettext_lazy("the parcel's tracking link")),
]


@shop_admin_required
def saved_replies(request, shop):
    return render(
        request,
        "shops/saved_replies.html",
        {"shop": shop, "replies": shop.saved_replies.all(), "section": "saved_replies"},
    )


@shop_admin_required
def saved_reply_edit(request, shop, pk=None):
    reply = get_object_or_404(SavedReply, shop=shop, pk=pk) if pk else None
    title = reply.title if reply else _("New saved reply")
    initial = None if reply else {"language": shop.language}
    form = SavedReplyForm(request.POST or None, instance=copy.copy(reply), initial=initial)
    if form.is_valid():
        services.save_saved_reply(shop, reply, author=request.user, **form.cleaned_data)
        messages.success(request, _("Saved reply saved."))
        return redirect("settings:saved_replies", shop.slug)
    return render(
        request,
        "shops/saved_reply_form.html",
        {
            "shop": shop,
            "form": form,
            "reply": reply,
            "title": title,
            "variables": REPLY_VARIABLES,
            "section": "saved_replies",
        },
    )


@shop_admin_required
@require_POST
def saved_reply_delete(request, shop, pk):
    services.delete_saved_reply(get_object_or_404(SavedReply, shop=shop, pk=pk))
    messages.success(request, _("Saved reply removed."))
    return redirect("settings:saved_replies", shop.slug)
