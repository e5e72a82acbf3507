"""The demo shop Nordljus and `kundsvar demo`. On top of every app (it writes through their
services); no app imports it. The apps' own sample data (commerce/demo.py,
knowledge/demo.py, portal/demo.py) stays with them and is called from shop.py."""
