"""The JSON API at /api/v1/: stories in and out, and customer metrics, for people with a key.

One router per area (stories.py, metrics.py), each calling only the areas' selectors and
services; urls.py puts them together with the keys (auth.py), the error answers (errors.py)
and the rate limit (rate_limit.py).
"""
