"""The providers' webhooks (mounted under /hooks/phone/) and the agents' call logging
(under /phone/). Namespace "phone"."""

from django.urls import path

from . import agent_views, hook_views

app_name = "phone"
urlpatterns = [
    # 46elks: sms_url and voice_start of the number; next/ivr/whenhangup come from our
    # own JSON actions, the delivery report from the "whendelivered" we send.
    path("hooks/phone/<str:token>/46elks/sms/", hook_views.elks_sms, name="elks_sms"),
    path("hooks/phone/<str:token>/46elks/voice/", hook_views.elks_voice, name="elks_voice"),
    path("hooks/phone/<str:token>/46elks/voice/next/", hook_views.elks_next, name="elks_next"),
    path("hooks/phone/<str:token>/46elks/voice/ivr/", hook_views.elks_ivr, name="elks_ivr"),
    path(
        "hooks/phone/<str:token>/46elks/voice/hangup/",
        hook_views.elks_hangup,
        name="elks_hangup",
    ),
    # What 46elks plays (a signed address per spoken text, no Basic auth: 46elks
    # fetches audio as it is given).
    path("hooks/phone/speech/<str:token>.wav", hook_views.speech, name="speech"),
    # Twilio: the number's Messaging and Voice webhooks and its call status callback.
    path("hooks/phone/<str:token>/twilio/sms/", hook_views.twilio_sms, name="twilio_sms"),
    path("hooks/phone/<str:token>/twilio/voice/", hook_views.twilio_voice, name="twilio_voice"),
    path(
        "hooks/phone/<str:token>/twilio/voice/dial/",
        hook_views.twilio_dial,
        name="twilio_dial",
    ),
    path(
        "hooks/phone/<str:token>/twilio/voice/gather/",
        hook_views.twilio_gather,
        name="twilio_gather",
    ),
    path(
        "hooks/phone/<str:token>/twilio/voice/status/",
        hook_views.twilio_status,
        name="twilio_status",
    ),
    path("hooks/phone/<str:token>/<str:provider>/report/", hook_views.report, name="report"),
    # Agents.
    path("phone/cases/<int:number>/calls/", agent_views.log_call, name="log_call"),
    path("phone/calls/new/", agent_views.new_call, name="new_call"),
]
urlpatterns += [
    path(
        "phone/cases/<int:number>/sms/<int:sms_id>/retry/",
        agent_views.retry_sms,
        name="retry_sms",
    ),
]
