from django.conf import settings
from django.utils import translation


class AgentLanguageMiddleware:
    """A logged-in agent sees the UI in their own language unless they just picked another
    with the language switch (the cookie). Must come after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if user and user.is_authenticated and not chosen and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
