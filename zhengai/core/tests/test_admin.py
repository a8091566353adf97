"""Django admin, in Chinese, usable for every registered model: each list page renders with a
search (where it has one) and its filters, for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.fixture
def superuser_client(client, db):
    from zhengai.org.models import User

    client.force_login(User.objects.create_superuser("root", password="pw-root"))
    return client


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_it_lists_every_registered_model_with_search_and_filters(superuser_client, cast):
    checked = []
    for model, model_admin in registered():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        params = {"q": "张"} if model_admin.search_fields else {}
        response = superuser_client.get(url, params)
        assert response.status_code == 200, f"{model._meta.label}: {response.status_code}"
        checked.append(model._meta.label)
    assert {"datacenter.Student", "datacenter.Staff", "org.User", "org.RoleAssignment", "core.AuditEvent"} <= set(checked)


def test_it_finds_a_student_by_name_and_filters_by_department(superuser_client, cast, college):
    url = reverse("admin:datacenter_student_changelist")
    response = superuser_client.get(url, {"q": "张三"})
    assert [s.student_no for s in response.context["cl"].result_list] == ["2024001"]
    response = superuser_client.get(url, {"specialty__department__id__exact": college.info.pk})
    assert [s.student_no for s in response.context["cl"].result_list] == ["2024101"]
    assert "所属部门" in response.content.decode()  # the department filter (no column carries this label)


def test_it_opens_a_users_page_with_their_roles_inline(superuser_client, cast):
    response = superuser_client.get(reverse("admin:org_user_change", args=[cast.bob.pk]))
    assert response.status_code == 200
    assert "部门负责人" in response.content.decode()
