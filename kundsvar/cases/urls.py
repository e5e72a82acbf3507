from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:number>/", views.detail, name="detail"),
    path("<int:number>/reply/", views.reply, name="reply"),
    path("<int:number>/note/", views.note, name="note"),
    path("<int:number>/status/", views.status, name="status"),
    path("<int:number>/messages/<int:message_id>/raw/", views.raw_source, name="raw"),
]
