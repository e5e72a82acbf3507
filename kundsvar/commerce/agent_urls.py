"""The order panel in the agent's case view, mounted at /commerce/."""

from django.urls import path

from . import agent_views

app_name = "commerce_agent"
urlpatterns = [
    path("cases/<int:number>/orders/", agent_views.panel, name="panel"),
    path("cases/<int:number>/orders/link/", agent_views.link, name="link"),
    path("cases/<int:number>/orders/<int:pk>/confirm/", agent_views.confirm, name="confirm"),
    path("cases/<int:number>/orders/<int:pk>/reject/", agent_views.reject, name="reject"),
]
