"""Running Kundsvar: `kundsvar serve` (the web server), `kundsvar worker` (background tasks)
and the periodic schedule the worker enqueues. Top-level wiring like kundsvar/urls.py: it
may name every app, and no app imports it."""
