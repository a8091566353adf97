"""The Celery app for production: workers and beat on Redis run the same jobs as the embedded
scheduler. Start them (README, "Scheduling"):

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 celery -A zhengai worker -l info
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 celery -A zhengai beat -l info

The schedule lives in settings ``CELERY_BEAT_SCHEDULE`` (one place); tasks are in each app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengai.settings")

app = Celery("zhengai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["zhengai.core", "zhengai.monitoring", "zhengai.notifications", "zhengai.intake", "zhengai.cycles",
                        "zhengai.xapi"])
