"""`kundsvar import-orders FILE --shop SLUG`, spelled like `import-eml`."""

from .import_orders import Command  # noqa: F401
