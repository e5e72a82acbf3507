"""The owner's reports and staffing pages, under /insights/."""

app_name = "insights"

urlpatterns: list = []
