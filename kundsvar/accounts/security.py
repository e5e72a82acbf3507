"""Who may log in and what they may open: login lockout, the two-factor second step, and
the shop-admin check for the settings pages."""

from functools import wraps
from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_otp import user_has_device

from kundsvar.shops.models import Shop

from .models import Role


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped when there is no request.

    Lockout is counted per username and IP address, and without a request there is no
    address (tests' `client.login`, the shell). Every login over HTTP — our login page,
    the Django admin's — passes the request, so it is always checked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# Pages an agent with a two-factor device may open before giving the code.
_SECOND_STEP_OPEN = {"accounts:verify", "logout", "login", "set_language", "healthz"}


class SecondStepMiddleware:
    """An agent who turned on two-factor login sees nothing but the code page until the
    code is given in this session — however they logged in (our page, the Django admin,
    a session from before they turned it on). Must come after OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or user.is_verified()
            or request.resolver_match.view_name in _SECOND_STEP_OPEN
            or not user_has_device(user)
        ):
            return None
        target = request.get_full_path() if request.method == "GET" else "/"
        url = f"{reverse('accounts:verify')}?{urlencode({'next': target})}"
        if request.headers.get("HX-Request"):
            # A redirect would be followed by htmx and swapped into part of the page.
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return HttpResponseRedirect(url)


def admin_shops(agent):
    """The shops whose settings `agent` may change (superusers: all)."""
    if agent.is_superuser:
        return Shop.objects.all()
    return Shop.objects.filter(memberships__agent=agent, memberships__role=Role.ADMIN)


def shop_admin_required(view):
    """For views taking `slug`: passes the shop instead. Not logged in: the login page.
    An agent of the shop who is not its admin: 403. Anyone else: 404, so that other
    shops' names are not given away."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        shop = admin_shops(request.user).filter(slug=slug).first()
        if shop is None:
            get_object_or_404(Shop, slug=slug, memberships__agent=request.user)
            raise PermissionDenied
        return view(request, shop, *args, **kwargs)

    return wrapper
