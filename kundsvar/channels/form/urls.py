from django.urls import path

from . import views

app_name = "form"
urlpatterns = [
    path("s/<slug:shop>/", views.contact_page, name="contact"),
    path("s/<slug:shop>/thanks/<str:token>/", views.thanks, name="thanks"),
    path("s/<slug:shop>/callback/", views.callback, name="callback"),
    path("s/<slug:shop>/callback/<str:token>/", views.callback_thanks, name="callback_thanks"),
    path("s/<slug:shop>/suggest/", views.suggest, name="suggest"),
    path("s/<slug:shop>/read/", views.read, name="read"),
    path("s/<slug:shop>/answered/", views.answered, name="answered"),
    path("reports/deflection/", views.deflection, name="deflection"),
]
