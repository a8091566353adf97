"""The database pulls page: the quality office adds connections and pulls, tests and runs them;
leaders look; nobody ever sees a stored password."""

import pytest

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import ImportBatch, Student
from zhengai.intake.pull.models import SavedPull, SourceConnection

from .source_dbs import STUDENTS_DDL, SourceDB


@pytest.fixture
def source_file(tmp_path):
    db = SourceDB("sqlite", f"sqlite:///{tmp_path / 'xg.sqlite3'}")
    db.execute(STUDENTS_DDL)
    db.insert("xs_students", [{"student_no": "W001", "name": "网页一", "gender": "2", "admin_class": "CNC2401",
                               "cohort": 2024, "email": None, "updated_at": None}])
    return db


def test_it_lets_the_quality_office_add_test_and_run_a_pull(client, cast, college, source_file):
    client.force_login(cast.alice)

    saved = client.post("/intake/connections/new/", {
        "name": "xg-db", "source": college.source.pk, "url": source_file.url, "password": "", "password_env": "",
    })
    assert saved.status_code == 302, saved.content.decode()[:2000]
    connection = SourceConnection.objects.get(name="xg-db")

    tested = client.post(f"/intake/connections/{connection.pk}/test/", follow=True)
    connection.refresh_from_db()
    assert connection.last_test_ok is True and "xg-db：连接成功" in tested.content.decode()

    client.post("/intake/pulls/new/", {
        "name": "xg-students", "connection": connection.pk, "table": "students", "query": "",
        "source_table": "xs_students", "incremental_column": "", "cadence": "daily", "enabled": "on",
        "chunk_size": 1000,
    })
    pull = SavedPull.objects.get(name="xg-students")
    assert pull.created_by == cast.alice

    ran = client.post(f"/intake/pulls/{pull.pk}/run/", follow=True)

    batch = ImportBatch.objects.get(source=college.source, table="students")
    assert batch.status == BatchStatus.SUCCEEDED and batch.created_by == cast.alice
    assert Student.objects.get(student_no="W001").name == "网页一"
    assert f"xg-students：批次 #{batch.pk} 成功，读取 1 行，新增 1" in ran.content.decode()


def test_it_never_shows_a_stored_password(client, cast, college):
    client.force_login(cast.alice)
    client.post("/intake/connections/new/", {
        "name": "hr", "source": college.source.pk, "url": "mysql://reader:top-secret@10.0.0.9/hr",
        "password": "", "password_env": "",
    })
    connection = SourceConnection.objects.get(name="hr")
    assert connection.engine_url().password == "top-secret"

    listing = client.get("/intake/pulls/").content.decode()
    form = client.get(f"/intake/connections/{connection.pk}/").content.decode()

    assert "mysql+pymysql://reader:***@10.0.0.9/hr" in listing
    assert "top-secret" not in listing and "top-secret" not in form
    # Saving the form again with the password field left empty keeps the stored password.
    client.post(f"/intake/connections/{connection.pk}/", {
        "name": "hr", "source": college.source.pk, "url": "mysql+pymysql://reader@10.0.0.9/hr", "password": "",
        "password_env": "",
    })
    connection.refresh_from_db()
    assert connection.engine_url().password == "top-secret"


def test_it_refuses_a_query_that_is_not_a_select(client, cast, college):
    client.force_login(cast.alice)
    connection = SourceConnection(name="c", source=college.source)
    connection.set_url("sqlite:////tmp/none.sqlite3")
    connection.save()

    response = client.post("/intake/pulls/new/", {
        "name": "evil", "connection": connection.pk, "table": "students", "query": "DELETE FROM xs_students",
        "source_table": "", "cadence": "manual", "chunk_size": 1000,
    })

    assert response.status_code == 200 and "只允许 SELECT 查询，不能是 delete" in response.content.decode()
    assert not SavedPull.objects.exists()


def test_it_shows_leaders_the_pulls_but_lets_them_change_nothing(client, cast, college, source_file):
    connection = SourceConnection(name="xg-db", source=college.source)
    connection.set_url(source_file.url)
    connection.save()
    pull = SavedPull.objects.create(name="xg", connection=connection, table="students", source_table="xs_students")

    client.force_login(cast.grace)
    page = client.get("/intake/pulls/")
    assert page.status_code == 200 and "xg-db" in page.content.decode() and "立即运行" not in page.content.decode()
    # Leaders see the pulls, so refusing them to act says so (403), rather than "not found".
    assert client.post(f"/intake/pulls/{pull.pk}/run/").status_code == 403
    assert client.post(f"/intake/connections/{connection.pk}/test/").status_code == 403
    assert client.get("/intake/connections/new/").status_code == 403
    assert not ImportBatch.objects.exists()

    client.force_login(cast.bob)  # a department head: not a school-wide role
    assert client.get("/intake/pulls/").status_code == 403
