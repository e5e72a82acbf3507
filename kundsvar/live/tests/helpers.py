from django.db import connections


def closing(function, *args):
    """Run in a passing thread (a sync view's): its connection closed afterwards, or
    PostgreSQL will not drop the test database."""
    try:
        return function(*args)
    finally:
        connections.close_all()
