"""A tampered or expired portal link opens nothing and reveals nothing."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from kundsvar.core import links
from kundsvar.portal.links import LINK_DAYS, portal_url

pytestmark = pytest.mark.django_db


def test_tampered_token_is_404(client, answered):
    case, _answer = answered
    path = urlsplit(portal_url(case)).path
    token = path.split("/")[2]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(f"/p/{tampered}/")
    assert response.status_code == 404
    assert str(case.number) not in response.content.decode()
    assert client.post(f"/p/{tampered}/", {"action": "follow_up", "text": "x"}).status_code == 404


def test_a_token_for_another_purpose_is_404(client, answered):
    case, _answer = answered
    other = links.sign("contact", {"c": case.pk})
    assert client.get(f"/p/{other}/").status_code == 404


def test_expired_link_is_404(client, answered, time_machine):
    case, _answer = answered
    path = urlsplit(portal_url(case)).path
    assert client.get(path).status_code == 200
    time_machine.shift(timedelta(days=LINK_DAYS + 1))
    response = client.get(path)
    assert response.status_code == 404
    assert response["X-Robots-Tag"].startswith("noindex")
