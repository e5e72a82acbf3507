"""Which language a customer-facing page speaks: the one asked for (?lang=), else the
browser's first language the shop answers in, else the shop's own (Swedish by default)."""

from django.utils.translation.trans_real import parse_accept_lang_header

from kundsvar.sla.promise import promise_language

CUSTOMER_LANGUAGES = ("sv", "nb", "da", "en")


def shop_languages(shop) -> list[str]:
    spoken = [code for code in (shop.languages or []) if code in CUSTOMER_LANGUAGES]
    return [shop.language, *[code for code in spoken if code != shop.language]]


def customer_language(request, shop) -> str:
    allowed = shop_languages(shop)
    asked = request.GET.get("lang", "")
    if asked in CUSTOMER_LANGUAGES:
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = promise_language(code)
        if code in allowed:
            return code
    return shop.language
