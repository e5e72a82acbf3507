from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """For load balancers and the demo launcher: the web process and the database answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})
