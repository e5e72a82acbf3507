from django.urls import path

from . import views

app_name = "chat"
urlpatterns = [
    path("s/<slug:shop>/chat/", views.page, name="page"),
    path("s/<slug:shop>/chat/status/", views.status, name="status"),
    path("s/<slug:shop>/chat/start/", views.start, name="start"),
    path("s/<slug:shop>/chat/leave/", views.leave_new, name="leave_new"),
    path("s/<slug:shop>/chat/callback/", views.callback_new, name="callback_new"),
    path("chat/<str:token>/send/", views.send, name="send"),
    path("chat/<str:token>/typing/", views.typing, name="typing"),
    path("chat/<str:token>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("chat/<str:token>/end/", views.end, name="end"),
    path("chat/<str:token>/leave/", views.leave, name="leave"),
    path("chat/<str:token>/callback/", views.callback, name="callback"),
    path("chat/<str:token>/transcript/", views.send_transcript, name="transcript"),
    path("chat/<str:token>/poll/", views.poll, name="poll"),
    path("chat/<str:token>/events/", views.stream, name="events"),
    path("chat/file/<str:token>/", views.file, name="file"),
]
