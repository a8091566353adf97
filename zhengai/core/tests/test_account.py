"""我的账号: the account page shows who one is and changes the password, audited."""

from django.urls import reverse

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent


def test_it_shows_the_account_with_its_person_and_roles(client, cast):
    client.force_login(cast.erin)
    text = client.get(reverse("account")).content.decode()
    assert "2024001" in text and "张三" in text and "学生" in text


def test_it_changes_the_password_and_keeps_the_user_signed_in(client, cast):
    client.force_login(cast.dave)
    response = client.post(reverse("account"), {
        "old_password": "pw-dave-Kz8", "new_password1": "Kz8-quality-2026", "new_password2": "Kz8-quality-2026",
    }, follow=True)
    assert "密码已修改" in response.content.decode()
    assert response.context["user"].is_authenticated
    cast.dave.refresh_from_db()
    assert cast.dave.check_password("Kz8-quality-2026")
    assert AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED, user=cast.dave).count() == 1


def test_it_refuses_a_wrong_old_password_and_changes_nothing(client, cast):
    client.force_login(cast.dave)
    response = client.post(reverse("account"), {
        "old_password": "not-it", "new_password1": "Kz8-quality-2026", "new_password2": "Kz8-quality-2026",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    cast.dave.refresh_from_db()
    assert cast.dave.check_password("pw-dave-Kz8")
    assert not AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED).exists()
