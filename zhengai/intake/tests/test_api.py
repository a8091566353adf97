"""The push API: a source system posts rows with its token and gets its batch back."""

import json

import pytest
from django.test import override_settings

from zhengai.datacenter.models import ImportBatch, Student
from zhengai.intake.sources import do_add_source, do_revoke_credentials

URL = "/api/v1/tables/students/rows"


@pytest.fixture
def pusher(college):
    source, issued = do_add_source("xg-api", "api", title="学工系统")
    return type("Pusher", (), {"source": source, "token": issued.token})


def post(client, token, rows, partial=False, url=URL):
    return client.post(
        url, data=json.dumps({"rows": rows, "partial": partial}, ensure_ascii=False), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def row(no, name, klass="CNC2401", **extra):
    return {"学号": no, "姓名": name, "性别": "男", "行政班": klass, "入学年份": 2024, **extra}


def test_it_imports_posted_rows_as_one_batch_and_answers_its_summary(client, pusher):
    assert not Student.objects.filter(student_no__startswith="P").exists()

    response = post(client, pusher.token, [row("P001", "周一"), row("P002", "吴二", klass="SW2401")])

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "succeeded" and body["status_label"] == "成功"
    assert (body["rows_read"], body["rows_inserted"], body["rows_rejected"], body["rejects"]) == (2, 2, 0, [])
    assert body["source"] == "xg-api" and body["table"] == "students"
    assert dict(Student.objects.filter(student_no__startswith="P").values_list("student_no", "name")) == {"P001": "周一", "P002": "吴二"}
    batch = ImportBatch.objects.get(pk=body["id"])
    assert batch.source == pusher.source and batch.file_name == "接口推送"

    again = post(client, pusher.token, [row("P001", "周一"), row("P002", "吴二", klass="SW2401")]).json()
    assert (again["rows_inserted"], again["rows_unchanged"]) == (0, 2)


def test_it_refuses_a_batch_with_bad_rows_naming_row_column_and_value(client, pusher):
    response = post(client, pusher.token, [row("P001", "周一"), row("P002", "吴二", klass="火星2401")])

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "refused" and body["rows_inserted"] == 0 and body["rows_rejected"] == 1
    [reject] = body["rejects"]
    assert (reject["row"], reject["column"], reject["value"]) == (2, "行政班", "火星2401")
    assert "火星2401" in reject["reason"]
    assert not Student.objects.filter(student_no__startswith="P").exists()  # all or nothing


def test_it_loads_the_valid_rows_when_partial_and_returns_the_rejects(client, pusher):
    response = post(client, pusher.token, [row("P001", "周一"), row("P002", "吴二", klass="火星2401")], partial=True)

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["rows_inserted"], body["rows_rejected"]) == ("succeeded", 1, 1)
    assert body["rejects"][0]["row"] == 2
    assert list(Student.objects.filter(student_no__startswith="P").values_list("student_no", flat=True)) == ["P001"]


def test_it_reads_a_batch_back_but_only_the_sources_own(client, pusher, college):
    batch_id = post(client, pusher.token, [row("P001", "周一")]).json()["id"]
    other_source, other = do_add_source("ky-api", "api", title="科研系统")

    mine = client.get(f"/api/v1/batches/{batch_id}", HTTP_AUTHORIZATION=f"Bearer {pusher.token}")
    theirs = client.get(f"/api/v1/batches/{batch_id}", HTTP_AUTHORIZATION=f"Bearer {other.token}")

    assert mine.status_code == 200 and mine.json()["id"] == batch_id and mine.json()["rows_inserted"] == 1
    assert theirs.status_code == 404 and "没有编号为" in theirs.json()["detail"]


def test_it_lists_the_data_dictionary_tables(client, pusher):
    response = client.get("/api/v1/tables", HTTP_AUTHORIZATION=f"Bearer {pusher.token}")

    assert response.status_code == 200
    tables = {t["code"]: t for t in response.json()}
    assert "teachers" in tables["staff"]["aliases"]
    students = tables["students"]
    assert students["label"] == "学生" and students["natural_key"] == ["student_no"]
    fields = {f["name"]: f for f in students["fields"]}
    assert fields["student_no"]["label"] == "学号" and fields["student_no"]["required"] is True
    assert "batch_id" not in fields


def test_it_answers_401_without_a_valid_token(client, pusher):
    assert client.get("/api/v1/tables").status_code == 401
    assert client.get("/api/v1/tables", HTTP_AUTHORIZATION="Bearer zg_nope.nope").status_code == 401
    response = post(client, "wrong", [row("P001", "周一")])
    assert response.status_code == 401 and "令牌" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")

    do_revoke_credentials(pusher.source)
    assert post(client, pusher.token, [row("P001", "周一")]).status_code == 401
    assert not Student.objects.filter(student_no="P001").exists()


def test_it_answers_413_over_the_body_limit_and_the_row_limit(client, pusher, settings):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000):
        response = post(client, pusher.token, [row(f"P{i:03d}", "周一") for i in range(100)])
    assert response.status_code == 413 and "请求体超过上限" in response.json()["detail"]

    settings.ZHENGAI_API_MAX_ROWS = 3
    response = post(client, pusher.token, [row(f"P{i:03d}", "周一") for i in range(4)])
    assert response.status_code == 413 and "一次最多提交 3 行，本次 4 行" in response.json()["detail"]
    assert not ImportBatch.objects.filter(source=pusher.source).exists()


def test_it_answers_400_for_a_malformed_body_or_404_for_an_unknown_table(client, pusher):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {pusher.token}"}
    not_json = client.post(URL, data="{rows: oops", content_type="application/json", **auth)
    assert not_json.status_code == 400 and "请求格式不正确" in not_json.json()["detail"]
    no_rows = client.post(URL, data=json.dumps({"partial": True}), content_type="application/json", **auth)
    assert no_rows.status_code == 400 and "rows" in no_rows.json()["detail"]
    empty = post(client, pusher.token, [])
    assert empty.status_code == 400 and "rows 为空" in empty.json()["detail"]
    unknown = post(client, pusher.token, [row("P001", "周一")], url="/api/v1/tables/dragons/rows")
    assert unknown.status_code == 404 and "没有数据表 dragons" in unknown.json()["detail"]


def test_it_serves_the_openapi_document_and_its_docs_without_a_cdn(client, db):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/v1/tables", "/api/v1/tables/{table}/rows", "/api/v1/batches/{batch_id}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["SourceToken"]["scheme"] == "bearer"
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower() and "/static/ninja/" in docs.content.decode()
