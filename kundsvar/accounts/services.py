"""Every write to agents, memberships, teams and two-factor devices."""

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Agent, ApiToken, Membership, Role, Team

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from kundsvar.shops.models import Shop

TOTP_DEVICE_NAME = "app"


class MembershipError(ValueError):
    """A change that would leave a shop without anyone allowed to run it."""


# -- the agent's own account ----------------------------------------------------------


def set_language(agent: Agent, language: str) -> None:
    agent.language = language
    agent.save(update_fields=["language"])


def change_password(agent: Agent, password: str) -> None:
    """Other sessions of the agent end (Django checks the password hash in each)."""
    validate_password(password, agent)
    agent.set_password(password)
    agent.save(update_fields=["password"])


def clear_lockout(agent: Agent) -> int:
    """The agent proved they own their mailbox (a password reset): the failed logins
    that locked their username go, from every address. Returns how many went."""
    from axes.utils import reset

    return reset(username=agent.get_username())


@transaction.atomic
def start_two_factor(agent: Agent) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device. It counts only once a code from the
    app has confirmed it, so a half-finished setup never locks the agent out."""
    TOTPDevice.objects.filter(user=agent, confirmed=False).delete()
    return TOTPDevice.objects.create(user=agent, name=TOTP_DEVICE_NAME, confirmed=False)


def pending_two_factor(agent: Agent) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=agent, confirmed=False).order_by("-pk").first()


@transaction.atomic
def confirm_two_factor(device: TOTPDevice, token: str) -> bool:
    """Turn two-factor login on if `token` is the app's current code."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def turn_off_two_factor(agent: Agent) -> None:
    TOTPDevice.objects.filter(user=agent).delete()


# -- members of a shop ------------------------------------------------------------------


@transaction.atomic
def create_agent(
    shop: "Shop",
    *,
    username: str,
    password: str,
    role: str = Role.AGENT,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "sv",
) -> Agent:
    """A new login that works for `shop` in `role`."""
    agent = Agent(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
    validate_password(password, agent)
    agent.set_password(password)
    agent.save()
    Membership.objects.create(agent=agent, shop=shop, role=role)
    return agent


def _other_admins(membership: Membership) -> "QuerySet[Membership]":
    return (
        Membership.objects.select_for_update()
        .filter(shop_id=membership.shop_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )


@transaction.atomic
def change_role(membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise MembershipError(_("Unknown role."))
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and not _other_admins(membership).exists()
    ):
        raise MembershipError(_("The shop needs at least one administrator."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, actor: Agent | None = None) -> None:
    """The agent stops working for the shop: out of its teams, and their open cases
    there go back to the queue unassigned (with an audit event each)."""
    from kundsvar.cases import services as cases
    from kundsvar.cases.models import Case, Status

    if membership.role == Role.ADMIN and not _other_admins(membership).exists():
        raise MembershipError(_("The shop needs at least one administrator."))
    agent = membership.agent
    agent.teams.remove(*Team.objects.filter(shop_id=membership.shop_id))
    membership.delete()
    for case in Case.objects.filter(shop_id=membership.shop_id, assignee=agent).exclude(
        status=Status.CLOSED
    ):
        cases.assign(case, None, actor=actor)


# -- teams ------------------------------------------------------------------------------


def _members_of(shop: "Shop", agents: Iterable[Agent]) -> list[Agent]:
    agents = list(agents)
    allowed = set(
        Membership.objects.filter(shop=shop, agent__in=agents).values_list("agent_id", flat=True)
    )
    if any(a.pk not in allowed for a in agents):
        raise MembershipError(_("Only agents of the shop can be in its teams."))
    return agents


@transaction.atomic
def create_team(shop: "Shop", name: str, members: Iterable[Agent] = ()) -> Team:
    team = Team.objects.create(shop=shop, name=name)
    team.members.set(_members_of(shop, members))
    return team


@transaction.atomic
def update_team(team: Team, name: str, members: Iterable[Agent] = ()) -> Team:
    team.name = name
    team.save(update_fields=["name"])
    team.members.set(_members_of(team.shop, members))
    return team


def delete_team(team: Team) -> None:
    """Cases given to the team keep their assignee and lose only the team."""
    team.delete()


# -- API tokens ----------------------------------------------------------------------------


def issue_token(agent: Agent, name: str, scope: str, days: int | None) -> tuple["ApiToken", str]:
    """A new personal API token; the token itself is returned once and never stored."""
    from django.utils import timezone

    expires_at = timezone.now() + timedelta(days=days) if days else None
    return ApiToken.issue(agent, name, scope=scope, expires_at=expires_at)


def revoke_token(agent: Agent, pk: int) -> bool:
    """Revoke one of the agent's own tokens at once; False if it was not theirs or gone."""
    from django.utils import timezone

    return bool(
        ApiToken.objects.filter(agent=agent, pk=pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
