"""Settings → Logged-in shoppers: the identity secret, copyable snippets for the shop's
site (plain HTML, Shopify Liquid, WooCommerce PHP) and the latest-order line."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from kundsvar.accounts.security import shop_admin_required
from kundsvar.core import links

from . import identity, services
from .models import IdentitySettings, OrderStatusView


class IdentitySettingsForm(forms.ModelForm):
    class Meta:
        model = IdentitySettings
        fields = ["enabled", "latest_order_line"]


def snippets(shop, secret: str, script_url: str) -> dict[str, str]:
    """What the shop pastes into its templates. Each signs email|id|expires|name with the
    secret, server-side: the secret never reaches the browser."""
    tag = f'<script src="{script_url}" data-shop="{shop.slug}" async'
    attrs = (
        '  data-customer-email="{email}" data-customer-name="{name}"\n'
        '  data-customer-id="{id}" data-customer-expires="{expires}"\n'
        '  data-customer-signature="{signature}"'
    )
    liquid = (
        "{% if customer %}\n"
        "{% assign ks_expires = 'now' | date: '%s' | plus: 86400 %}\n"
        "{% assign ks_email = customer.email | downcase %}\n"
        "{% capture ks_payload %}{{ ks_email }}|{{ customer.id }}|{{ ks_expires }}|"
        "{{ customer.name }}{% endcapture %}\n"
        f"{tag}\n"
        + attrs.format(
            email="{{ ks_email | escape }}",
            name="{{ customer.name | escape }}",
            id="{{ customer.id }}",
            expires="{{ ks_expires }}",
            signature=f"{{{{ ks_payload | hmac_sha256: '{secret}' }}}}",
        )
        + "></script>\n{% else %}\n"
        + tag
        + "></script>\n{% endif %}"
    )
    php = (
        "<?php $u = wp_get_current_user();\n"
        "if ($u->exists()) {\n"
        "  $email = strtolower(trim($u->user_email)); $id = (string) $u->ID;\n"
        "  $name = $u->display_name; $expires = time() + 86400;\n"
        f"  $sig = hash_hmac('sha256', \"$email|$id|$expires|$name\", '{secret}'); ?>\n"
        f"{tag}\n"
        + attrs.format(
            email="<?= esc_attr($email) ?>",
            name="<?= esc_attr($name) ?>",
            id="<?= esc_attr($id) ?>",
            expires="<?= $expires ?>",
            signature="<?= $sig ?>",
        )
        + "></script>\n<?php } else { ?>\n"
        + tag
        + "></script>\n<?php } ?>"
    )
    html = (
        "<!-- Made on your server for each page view, never in the browser: -->\n"
        "<!-- signature = hex(HMAC-SHA256(secret, email|id|expires|name)), -->\n"
        "<!-- with the email in lower case, -->\n"
        "<!-- expires = a Unix time at most 7 days ahead (we suggest now + 24 hours). -->\n"
        f"{tag}\n"
        + attrs.format(
            email="anna@example.se",
            name="Anna Svensson",
            id="1001",
            expires="1767225600",
            signature=identity.signature(
                secret, "anna@example.se", "1001", 1767225600, "Anna Svensson"
            ),
        )
        + "></script>"
    )
    return {"html": html, "liquid": liquid, "php": php}


@shop_admin_required
def identity_settings(request, shop):
    current = services.settings_for(shop)
    if request.method == "POST" and request.POST.get("action") == "rotate":
        services.rotate_secret(shop)
        messages.success(request, _("A new secret is made. Update it on your site now."))
        return redirect("settings:shopper_identity", shop.slug)
    form = IdentitySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_settings(shop, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("settings:shopper_identity", shop.slug)
    views = OrderStatusView.objects.filter(shop=shop)
    seen = views.count()
    return render(
        request,
        "shopper/settings.html",
        {
            "shop": shop,
            "form": form,
            "section": "shopper_identity",
            "settings": current,
            "snippets": snippets(
                shop, current.secret, request.build_absolute_uri(static("kundsvar/widget.js"))
            ),
            "views": seen,
            "contacted": views.filter(contacted_at__isnull=False).count(),
            "link_example": links.absolute(f"/s/{shop.slug}/my-orders/"),
        },
        status=400 if request.method == "POST" else 200,
    )
