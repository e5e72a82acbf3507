"""Password reset by email ("Forgot your password?" on the login page), Django's
PasswordReset views with our templates and three changes:

- the mail goes out through the project's staff mail (`channels.outbox.send_to_staff`:
  an outbox row, retried, from the agent's shop's address);
- no one learns whether an address belongs to an agent: every request gets the same
  "check your mail" page, whether a mail went out or not;
- requests are limited per client address (429 on the form) and mails per agent address
  (silently: the answer stays the same).

The link works once and for PASSWORD_RESET_TIMEOUT seconds (Django's token includes the
password hash and last login). The new password is hashed with argon2 like any other,
and a reset opens a login lockout of the agent's username."""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from kundsvar.channels import outbox
from kundsvar.core import ratelimit

from . import emails, services


class ResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        if not ratelimit.allow_key("password_reset_mail", to_email.lower()):
            return  # the same answer on the page: nothing says this address is an agent's
        agent = context["user"]
        path = reverse("password_reset_confirm", args=[context["uid"], context["token"]])
        link = f"{settings.SITE_URL}{path}"  # never the request's Host header
        with transaction.atomic():
            outbox.send_to_staff(emails.password_reset(agent, link), now=timezone.now())


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if not ratelimit.allow(request, "password_reset"):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, ratelimit.MESSAGE)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": _minutes()}


def _minutes() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.clear_lockout(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
