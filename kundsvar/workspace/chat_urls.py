from django.urls import path

from . import chat

app_name = "chat_agent"
urlpatterns = [
    path("", chat.inbox, name="inbox"),
    path("events/", chat.stream, name="events"),
    path("poll/", chat.poll, name="poll"),
    path("availability/", chat.availability, name="availability"),
    path("<int:number>/", chat.pane, name="pane"),
    path("<int:number>/send/", chat.send, name="send"),
    path("<int:number>/accept/", chat.accept, name="accept"),
    path("<int:number>/transfer/", chat.transfer, name="transfer"),
    path("<int:number>/end/", chat.end, name="end"),
    path("<int:number>/typing/", chat.typing, name="typing"),
]
