import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insightboard.settings")

app = Celery("insightboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
