"""The agent's own account (language, password, two-factor login), the second login step,
the lockout page, and the shop admin's pages for agents and teams."""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user

from . import services
from .forms import (
    CodeForm,
    ConfirmPasswordForm,
    LanguageForm,
    NewAgentForm,
    PasswordForm,
    RoleForm,
    TeamForm,
    TokenForm,
)
from .models import Membership, Role, Team
from .security import admin_shops, shop_admin_required

# -- login ------------------------------------------------------------------------------


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this instead of its bare 429 (AXES_LOCKOUT_CALLABLE): the login
    page again, saying why and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {
            "locked_out": True,
            "lockout_minutes": minutes,
            "next": request.POST.get("next", ""),
        },
        status=429,
    )


def landing_url(agent) -> str:
    """Where an agent lands after login when no `next` says otherwise: a shop's admin
    (the owner) on the reports overview (ADMIN_LANDING_URL), everyone else on the queue
    (LOGIN_REDIRECT_URL)."""
    if agent.is_superuser or Membership.objects.filter(agent=agent, role=Role.ADMIN).exists():
        return resolve_url(settings.ADMIN_LANDING_URL)
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Django's login page; without a `next` the agent lands by role (landing_url)."""

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return landing_url(request.user)


@login_required
def verify(request):
    """The second login step, for agents who turned on two-factor login."""
    device = next(devices_for_user(request.user), None)
    if device is None or request.user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        verified = django_otp.verify_token(
            request.user, device.persistent_id, form.cleaned_data["token"]
        )
        if verified:
            request.session.cycle_key()  # more rights now: a new session id, as at login
            django_otp.login(request, verified)
            return redirect(_next_url(request))
        form.add_error("token", _wrong_code_message(device))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


def _wrong_code_message(device) -> str:
    allowed, info = type(device).objects.get(pk=device.pk).verify_is_allowed()
    if not allowed and info and info.get("locked_until"):
        seconds = max(1, int((info["locked_until"] - timezone.now()).total_seconds()))
        return _(
            "Wrong code. After several wrong codes, wait %(seconds)s seconds before the next try."
        ) % {"seconds": seconds}
    return _(
        "Wrong code. Codes change every 30 seconds: check the clock on your phone "
        "and try the next one."
    )


# -- the agent's own account -------------------------------------------------------------


def _account_page(request, **forms):
    agent = request.user
    context = {
        "language_form": LanguageForm(initial={"language": agent.language}),
        "password_form": PasswordForm(agent),
        "off_form": ConfirmPasswordForm(agent),
        "two_factor_on": django_otp.user_has_device(agent),
        **forms,
    }
    return render(request, "accounts/account.html", context)


@login_required
def account(request):
    return _account_page(request)


@login_required
@require_POST
def language(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _account_page(request, language_form=form)
    services.set_language(request.user, form.cleaned_data["language"])
    messages.success(request, _("Language saved."))
    response = redirect("accounts:account")
    # The language switch in the header wins over the setting; start from the setting.
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@login_required
@require_POST
def password(request):
    form = PasswordForm(request.user, request.POST)
    if not form.is_valid():
        return _account_page(request, password_form=form)
    services.change_password(request.user, form.cleaned_data["new_password1"])
    update_session_auth_hash(request, request.user)  # this session stays; others end
    messages.success(request, _("Password changed. You were logged out everywhere else."))
    return redirect("accounts:account")


def _qr_svg(device) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    # Our own drawing of our own URL: no user text goes into the SVG.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


@login_required
def two_factor(request):
    """GET: the setup in progress (QR code, secret, code field). POST: start a setup."""
    if request.method == "POST":
        services.start_two_factor(request.user)
        return redirect("accounts:two_factor")
    device = services.pending_two_factor(request.user)
    if device is None:
        return redirect("accounts:account")
    return _two_factor_page(request, device, CodeForm())


def _two_factor_page(request, device, form):
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@login_required
@require_POST
def two_factor_confirm(request):
    device = services.pending_two_factor(request.user)
    if device is None:
        return redirect("accounts:account")
    form = CodeForm(request.POST)
    if form.is_valid() and services.confirm_two_factor(device, form.cleaned_data["token"]):
        device.refresh_from_db()
        django_otp.login(request, device)  # this session already passed the second step
        messages.success(
            request,
            _(
                "Two-factor login is on. From now on you give a code "
                "from the app after your password."
            ),
        )
        return redirect("accounts:account")
    if form.is_valid():
        form.add_error("token", _wrong_code_message(device))
    return _two_factor_page(request, device, form)


@login_required
@require_POST
def two_factor_off(request):
    form = ConfirmPasswordForm(request.user, request.POST)
    if not form.is_valid():
        return _account_page(request, off_form=form)
    services.turn_off_two_factor(request.user)
    messages.success(request, _("Two-factor login is off."))
    return redirect("accounts:account")


# -- the shop admin's pages: agents and teams --------------------------------------------


def _members(shop):
    return (
        Membership.objects.filter(shop=shop)
        .select_related("agent")
        .order_by("agent__first_name", "agent__username")
    )


@shop_admin_required
def members(request, shop):
    teams: dict[int, list[str]] = {}
    for team in shop.teams.prefetch_related("members"):
        for agent in team.members.all():
            teams.setdefault(agent.pk, []).append(team.name)
    rows = [
        (m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"), teams.get(m.agent_id, []))
        for m in _members(shop)
    ]
    return render(
        request, "accounts/members.html", {"shop": shop, "rows": rows, "section": "members"}
    )


@shop_admin_required
def member_new(request, shop):
    form = NewAgentForm(request.POST or None)
    if form.is_valid():
        agent = services.create_agent(shop, **form.agent_values())
        messages.success(
            request,
            _("%(agent)s can now log in as %(username)s.")
            % {"agent": agent, "username": agent.username},
        )
        return redirect("settings:members", shop.slug)
    return render(
        request, "accounts/member_new.html", {"shop": shop, "form": form, "section": "members"}
    )


@shop_admin_required
@require_POST
def member_role(request, shop, pk):
    membership = get_object_or_404(Membership, shop=shop, pk=pk)
    form = RoleForm(request.POST, prefix=f"m{pk}")
    if form.is_valid():
        try:
            services.change_role(membership, form.cleaned_data["role"])
        except services.MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(agent)s is now %(role)s.")
                % {"agent": membership.agent, "role": Role(membership.role).label.lower()},
            )
    return _back_to_members(request, shop)


@shop_admin_required
@require_POST
def member_remove(request, shop, pk):
    membership = get_object_or_404(Membership.objects.select_related("agent"), shop=shop, pk=pk)
    try:
        services.remove_member(membership, actor=request.user)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(agent)s no longer works for %(shop)s.")
            % {"agent": membership.agent, "shop": shop},
        )
    return _back_to_members(request, shop)


def _back_to_members(request, shop):
    """An admin who just made themselves an agent (or left) can no longer see the page."""
    if admin_shops(request.user).filter(pk=shop.pk).exists():
        return redirect("settings:members", shop.slug)
    return redirect("home")


@shop_admin_required
def teams(request, shop):
    return render(
        request,
        "accounts/teams.html",
        {"shop": shop, "teams": shop.teams.prefetch_related("members"), "section": "teams"},
    )


@shop_admin_required
def team_edit(request, shop, pk=None):
    team = get_object_or_404(Team, shop=shop, pk=pk) if pk else None
    title = team.name if team else _("New team")
    form = TeamForm(shop, request.POST or None, instance=team)
    if form.is_valid():
        name, members = form.cleaned_data["name"], form.cleaned_data["members"]
        if team is None:
            services.create_team(shop, name, members)
        else:
            services.update_team(team, name, members)
        messages.success(request, _("Team %(name)s saved.") % {"name": name})
        return redirect("settings:teams", shop.slug)
    return render(
        request,
        "accounts/team_form.html",
        {"shop": shop, "form": form, "team": team, "title": title, "section": "teams"},
    )


@shop_admin_required
@require_POST
def team_delete(request, shop, pk):
    team = get_object_or_404(Team, shop=shop, pk=pk)
    services.delete_team(team)
    messages.success(request, _("Team %(name)s removed.") % {"name": team.name})
    return redirect("settings:teams", shop.slug)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """Personal API tokens: create (the token is shown this once), see, revoke."""
    form = TokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and request.POST.get("revoke"):
        if services.revoke_token(request.user, int(request.POST["revoke"])):
            messages.success(request, _("The token was revoked. Programs using it are refused."))
        return redirect("accounts:tokens")
    if request.method == "POST" and form.is_valid():
        _row, new_token = services.issue_token(
            request.user,
            form.cleaned_data["name"],
            form.cleaned_data["scope"],
            form.cleaned_data["days"] or None,
        )
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.order_by("revoked_at", "-created_at"),
            "now": timezone.now(),
        },
    )
