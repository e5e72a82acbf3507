"""Which pages may be shown inside another site's frame: only the help widget and the
customer pages it opens with `?embed=1`. Everything else keeps X-Frame-Options: DENY."""

from urllib.parse import urlsplit


def frame_ancestors(shop) -> str:
    """The shop's own website when it has told us one, else any site: the widget is a
    script tag a shop puts on its pages, and those pages are where the frame lives."""
    parts = urlsplit(shop.website or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        host = parts.netloc.split("@")[-1]
        bare = host.removeprefix("www.")
        return f"'self' {parts.scheme}://{bare} {parts.scheme}://www.{bare}"
    return "*"


def allow_framing(response, shop):
    """Let `response` be framed by the shop's site (CSP frame-ancestors) and switch off
    Django's X-Frame-Options DENY for it. Call only for the widget and `?embed=1` pages."""
    response.xframe_options_exempt = True
    response["Content-Security-Policy"] = f"frame-ancestors {frame_ancestors(shop)}"
    return response
