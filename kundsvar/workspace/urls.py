from django.urls import path

from . import collision, next_case, views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("next/", next_case.next_case, name="next"),
    path("<int:number>/", views.detail, name="detail"),
    path("<int:number>/presence/", views.presence, name="presence"),
    path("<int:number>/here/", collision.here, name="here"),
    path("<int:number>/live/", collision.stream, name="live"),
    path("<int:number>/reply/", views.reply, name="reply"),
    path("<int:number>/preview/", views.preview, name="preview"),
    path("<int:number>/note/", views.note, name="note"),
    path("<int:number>/status/", views.status, name="status"),
    path("<int:number>/assign/", views.assign, name="assign"),
    path("<int:number>/tags/", views.tags, name="tags"),
    path("<int:number>/language/", views.language, name="language"),
    path("<int:number>/topic/", views.topic, name="topic"),
    path("<int:number>/merge/", views.merge, name="merge"),
    path("<int:number>/snooze/", views.snooze, name="snooze"),
    path(
        "<int:number>/deliveries/<int:outbound_id>/retry/",
        views.retry_delivery,
        name="retry_delivery",
    ),
    path("<int:number>/messages/<int:message_id>/split/", views.split, name="split"),
    path("<int:number>/messages/<int:message_id>/raw/", views.raw_source, name="raw"),
    path("<int:number>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
