"""The pages of the file channel: upload, batches, rejects, undo, mappings and templates, each for
the people who may use them and no one else."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import ImportBatch, Student
from zhengai.intake.models import Mapping
from zhengai.intake.pipeline import import_rows

CSV = "学号,姓名,性别,班级代码\n2024003,王五,男,CNC2401\n2024004,赵六,女,NOPE\n"


def upload(client, data: bytes, name="学生.csv", **extra):
    form = {"source": "", "table": "students", "file": SimpleUploadedFile(name, data), **extra}
    return client.post(reverse("intake:import"), form)


def test_the_quality_office_uploads_a_file_and_sees_its_batch(client, cast, college):
    client.force_login(cast.alice)
    assert client.get(reverse("intake:import")).status_code == 200

    response = upload(client, CSV.encode("gbk"), source=college.source.pk, partial="on")

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:batch", args=[batch.pk])
    assert (batch.status, batch.rows_inserted, batch.rows_rejected, batch.created_by) == (
        BatchStatus.SUCCEEDED, 1, 1, cast.alice)
    assert batch.file_name == "学生.csv"
    page = client.get(response["Location"]).content.decode()
    assert "新增 1 行，更新 0 行，未变化 0 行，拒绝 1 行" in page
    assert "列“班级代码”：值“NOPE”在行政班表中不存在" in page


def test_a_refused_upload_says_why_on_the_batch_page(client, cast, college):
    client.force_login(cast.alice)

    response = upload(client, CSV.encode(), source=college.source.pk)

    page = client.get(response["Location"]).content.decode()
    assert "导入被拒绝：共 1 行有错误，未写入任何数据。" in page
    assert not Student.objects.filter(student_no="2024003").exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, cast, college, settings):
    settings.ZHENGAI_IMPORT_MAX_BYTES = 100 * 1024
    client.force_login(cast.alice)

    response = upload(client, b"x" * (300 * 1024), source=college.source.pk)

    assert response.status_code == 413
    assert "文件太大，超过了导入上限 100.0 KB" in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("who", ["grace", "bob", "dave", "erin"])
def test_only_school_wide_editors_may_upload_undo_and_map(client, cast, college, who):
    client.force_login(getattr(cast, who))
    batch = import_rows(college.source, "students", [{"学号": "2024003", "姓名": "王五", "性别": "男", "班级代码": "CNC2401"}])

    assert client.get(reverse("intake:import")).status_code == 403
    assert client.post(reverse("intake:batch_undo", args=[batch.pk])).status_code == 403
    assert client.get(reverse("intake:mappings")).status_code == 403
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUCCEEDED


def test_batches_are_listed_for_school_wide_roles_only(client, cast, college):
    import_rows(college.source, "students", [{"学号": "2024003", "姓名": "王五", "性别": "男", "班级代码": "CNC2401"}])
    batch = ImportBatch.objects.get()

    client.force_login(cast.grace)  # the school leader reads everything
    assert f"#{batch.pk}" in client.get(reverse("intake:batches")).content.decode()
    client.force_login(cast.bob)  # a department head: batches concern the whole college
    assert client.get(reverse("intake:batches")).status_code == 403
    assert client.get(reverse("intake:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("intake:batch_rejects", args=[batch.pk])).status_code == 404


def test_the_batches_list_costs_the_same_queries_for_many_batches(client, cast, college, django_assert_num_queries):
    client.force_login(cast.alice)
    rows = [{"学号": "2024003", "姓名": "王五", "性别": "男", "班级代码": "CNC2401"}]
    import_rows(college.source, "students", rows)
    client.get(reverse("intake:batches"))

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("intake:batches")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(5):
        import_rows(college.source, "students", rows)
    # Session, user, roles, the recovery check, the page of batches with source and user joined,
    # its count, the filter lists and navigation: not one query per batch.
    assert count() == one


def test_the_rejects_download_is_an_xlsx_with_the_reasons(client, cast, college):
    client.force_login(cast.alice)
    upload(client, CSV.encode(), source=college.source.pk, partial="on")
    batch = ImportBatch.objects.get()

    response = client.get(reverse("intake:batch_rejects", args=[batch.pk]))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [("行号", "学号", "姓名", "性别", "班级代码", "错误原因"),
                    (3, "2024004", "赵六", "女", "NOPE", "列“班级代码”：值“NOPE”在行政班表中不存在")]


def test_undo_from_the_batch_page(client, cast, college):
    client.force_login(cast.alice)
    upload(client, CSV.encode(), source=college.source.pk, partial="on")
    batch = ImportBatch.objects.get()
    assert Student.objects.filter(student_no="2024003").exists()

    response = client.post(reverse("intake:batch_undo", args=[batch.pk]), follow=True)

    assert "已撤销" in response.content.decode()
    assert not Student.objects.filter(student_no="2024003").exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNDONE
    # Undoing twice is refused with a reason, not an error page.
    again = client.post(reverse("intake:batch_undo", args=[batch.pk]), follow=True)
    assert "只有成功的批次可以撤销" in again.content.decode()


def test_a_mapping_saved_on_its_page_is_used_by_the_next_import(client, cast, college):
    client.force_login(cast.alice)
    url = reverse("intake:mapping_edit", args=["jw", "students"])
    assert client.get(url).status_code == 200

    response = client.post(url, {
        "col-student_no": "XH", "col-name": "XM", "col-gender": "XB", "col-admin_class": "BJ",
        "values-gender": "1=男\n2=女\n9=女", "date-enrolled_on": "%Y%m%d", "col-enrolled_on": "RXRQ",
    })

    assert response.status_code == 302
    mapping = Mapping.objects.get(source=college.source, table="students")
    assert mapping.columns == {"XH": "student_no", "XM": "name", "XB": "gender", "BJ": "admin_class", "RXRQ": "enrolled_on"}
    assert mapping.value_maps == {"gender": {"1": "男", "2": "女", "9": "女"}}
    assert mapping.updated_by == cast.alice
    upload(client, "XH,XM,XB,BJ,RXRQ\n2024003,王五,9,CNC2401,20240901\n".encode(), source=college.source.pk)
    student = Student.objects.get(student_no="2024003")
    assert (student.gender, student.enrolled_on.isoformat()) == ("F", "2024-09-01")


def test_a_bad_mapping_is_refused_with_the_line_that_is_wrong(client, cast, college):
    client.force_login(cast.alice)

    response = client.post(reverse("intake:mapping_edit", args=["jw", "students"]), {"values-gender": "1 男"})

    assert response.status_code == 400
    assert "“性别”的值映射第 1 行应写成“源值=目标值”" in response.content.decode()
    assert not Mapping.objects.exists()


def test_mappings_export_as_xlsx_and_json(client, cast, college):
    client.force_login(cast.alice)
    Mapping.objects.create(source=college.source, table="students", columns={"XH": "student_no"},
                           value_maps={"gender": {"1": "男"}})

    sheet = load_workbook(io.BytesIO(client.get(reverse("intake:mapping_export")).content)).active
    data = client.get(reverse("intake:mapping_json", args=["jw", "students"])).json()

    assert list(sheet.iter_rows(values_only=True)) == [
        ("来源系统", "目标表", "字段", "中文名", "源列", "值映射", "日期格式"),
        ("jw", "students", "student_no", "学号", "XH", None, None),
        ("jw", "students", "gender", "性别", None, "1=男", None),
    ]
    assert data == {"source": "jw", "table": "students", "columns": {"XH": "student_no"},
                    "value_maps": {"gender": {"1": "男"}}, "date_formats": {}}


def test_templates_download_for_every_importable_table(client, cast):
    client.force_login(cast.alice)

    response = client.get(reverse("intake:template", args=["grades"]))

    header = next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert header == ("学号", "教学班代码", "考试次数", "成绩", "是否及格", "获得学分", "登记日期")
    assert client.get(reverse("intake:template", args=["pupils"])).status_code == 404
