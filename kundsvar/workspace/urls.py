from django.urls import path

from . import collision, next_case, saved_views, signatures, undo, views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("next/", next_case.next_case, name="next"),
    path("signature/", signatures.mine, name="signature"),
    path("views/", saved_views.save, name="view_save"),
    path("views/<int:pk>/rename/", saved_views.rename, name="view_rename"),
    path("views/<int:pk>/delete/", saved_views.delete, name="view_delete"),
    path("views/<int:pk>/move/", saved_views.move, name="view_move"),
    path("<int:number>/", views.detail, name="detail"),
    path("<int:number>/presence/", views.presence, name="presence"),
    path("<int:number>/here/", collision.here, name="here"),
    path("<int:number>/live/", collision.stream, name="live"),
    path("<int:number>/reply/", views.reply, name="reply"),
    path("<int:number>/preview/", views.preview, name="preview"),
    path("<int:number>/draft/", views.draft, name="draft"),
    path("<int:number>/note/", views.note, name="note"),
    path("<int:number>/status/", views.status, name="status"),
    path("<int:number>/assign/", views.assign, name="assign"),
    path("<int:number>/tags/", views.tags, name="tags"),
    path("<int:number>/language/", views.language, name="language"),
    path("<int:number>/topic/", views.topic, name="topic"),
    path("<int:number>/merge/", views.merge, name="merge"),
    path("<int:number>/snooze/", views.snooze, name="snooze"),
    path("<int:number>/undo/", undo.undo, name="undo"),
    path(
        "<int:number>/deliveries/<int:outbound_id>/retry/",
        views.retry_delivery,
        name="retry_delivery",
    ),
    path("<int:number>/messages/<int:message_id>/split/", views.split, name="split"),
    path("<int:number>/messages/<int:message_id>/forward/", views.forward, name="forward"),
    path("<int:number>/messages/<int:message_id>/raw/", views.raw_source, name="raw"),
    path("<int:number>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
