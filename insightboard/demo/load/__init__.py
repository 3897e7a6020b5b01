"""`make loadtest`: simulated staff against gunicorn, Celery and PostgreSQL at production volume.

`run` starts and stops the servers, `locustfile` is the staff, `pages` reads forms as a browser
does, `ledger` keeps what the staff saw of each insight they logged, `reconcile` checks that
against the database, and `report` turns the requests into a table. Only `locustfile` needs
locust (the `load` dependency group); the rest is imported by the tests too.
"""
