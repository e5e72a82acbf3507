"""Public FAQ pages under s/<shop>/faq/ and the team's pages under kb/."""

from django.urls import path

from . import agent_views, views

app_name = "knowledge"
urlpatterns = [
    path("s/<slug:shop>/faq/", views.faq, name="faq"),
    path("s/<slug:shop>/faq/<slug:article>/", views.article, name="article"),
    path("s/<slug:shop>/faq/<slug:article>/vote/", views.vote, name="vote"),
    path("kb/", agent_views.index, name="manage_index"),
    path("kb/<slug:slug>/", agent_views.articles, name="manage"),
    path("kb/<slug:slug>/new/", agent_views.new, name="new"),
    path("kb/<slug:slug>/questions/", agent_views.questions, name="questions"),
    path("kb/<slug:slug>/categories/", agent_views.categories, name="categories"),
    path("kb/<slug:slug>/categories/<int:pk>/", agent_views.category_edit, name="category_edit"),
    path("kb/<slug:slug>/<int:pk>/", agent_views.edit, name="edit"),
    path("kb/<slug:slug>/<int:pk>/publish/", agent_views.publish, name="publish"),
    path("kb/<slug:slug>/<int:pk>/delete/", agent_views.delete, name="delete"),
    path(
        "kb/<slug:slug>/<int:pk>/translate/<str:language>/", agent_views.translate, name="translate"
    ),
]
