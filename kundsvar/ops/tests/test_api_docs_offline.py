"""The API docs page works without internet: Swagger UI comes from our own static files,
never from a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_its_viewer_from_our_static_files():
    html = Client().get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert finders.find(f"ninja/{asset}"), asset  # collectstatic and whitenoise serve it
