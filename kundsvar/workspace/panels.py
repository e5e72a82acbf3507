"""Panels beside the conversation (rule T3: automatic lookups appear by themselves).

Each entry is a dotted path to a function `(case, agent) -> str | None` returning the
panel's HTML. The commerce app adds orders, parcels and returns here."""

from django.utils.module_loading import import_string

CUSTOMER_PANELS: list[str] = [
    "kundsvar.commerce.panels.customer_panel",
    "kundsvar.knowledge.panels.suggested_articles",
    "kundsvar.channels.phone.panels.phone_panel",
]


def render_panels(case, agent) -> list[str]:
    rendered = (import_string(path)(case, agent) for path in CUSTOMER_PANELS)
    return [html for html in rendered if html]
