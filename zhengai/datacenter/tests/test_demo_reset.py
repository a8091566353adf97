"""``reset`` empties tables even after deletes in the same transaction (``seed_demo --reset`` deletes
the demo accounts first, and their notifications go with them)."""

from django.db import transaction

from zhengai.datacenter.demo.loaders import reset
from zhengai.notifications.models import Notification
from zhengai.org.models import User


def test_it_truncates_after_deletes_that_left_foreign_key_checks_pending(transactional_db):
    keep = User.objects.create_user("keeper", password="x")
    gone = User.objects.create_user("gone", password="x")
    Notification.objects.create(recipient=keep, title="保留", body="")
    Notification.objects.create(recipient=gone, title="随账号删除", body="")
    assert Notification.objects.count() == 2

    with transaction.atomic():
        gone.delete()  # cascades to its notification: deferred checks are now pending on PostgreSQL
        reset([Notification])

    assert Notification.objects.count() == 0
    assert list(User.objects.values_list("username", flat=True)) == ["keeper"]
