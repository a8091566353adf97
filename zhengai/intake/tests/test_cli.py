"""``zhengai import`` and ``zhengai intake_recover``: exit status, messages, reject files, templates,
and a process killed in the middle of a batch."""

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import Attendance, ImportBatch, Student
from zhengai.intake.models import BatchEvent
from zhengai.intake.pipeline import recover_stale_batches

HEADER = "学号,姓名,性别,班级代码\n"


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_it_imports_a_file_and_exits_zero(college, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "2024003,王五,男,CNC2401\n", encoding="gbk")

    code, out, err = run("--source", "jw", "--table", "students", str(path))

    batch = ImportBatch.objects.get()
    assert (code, err) == (0, "")
    assert out.strip() == f"批次 #{batch.pk}：导入完成，读取 1 行，新增 1 行，更新 0 行，未变化 0 行。"
    assert batch.file_name == "s.csv"
    code, out, _err = run("--source", "jw", "--table", "students", str(path))
    assert code == 0 and "全部 1 行未变化" in out


def test_a_refused_batch_exits_non_zero_with_the_reason_and_writes_the_rejects(college, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "2024003,王五,男,CNC2401\n2024004,赵六,女,NOPE\n", encoding="utf-8")
    rejects = tmp_path / "退回.xlsx"

    code, out, err = run("--source", "jw", "--table", "students", str(path), "--rejects", str(rejects))

    assert code == 1
    assert "导入被拒绝：共 1 行有错误，未写入任何数据。第 3 行，列“班级代码”：值“NOPE”在行政班表中不存在" in err
    assert not Student.objects.filter(student_no="2024003").exists()
    rows = list(load_workbook(rejects).active.iter_rows(values_only=True))
    assert rows[1] == (3, "2024004", "赵六", "女", "NOPE", "列“班级代码”：值“NOPE”在行政班表中不存在")
    assert "被拒绝的 1 行已写入" in out


def test_partial_mode_exits_zero_and_counts_the_rejects(college, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(HEADER + "2024003,王五,男,CNC2401\n2024004,赵六,女,NOPE\n", encoding="utf-8")

    code, out, _err = run("--source", "jw", "--table", "students", str(path), "--partial")

    assert code == 0 and "新增 1 行，更新 0 行，未变化 0 行，拒绝 1 行" in out


@pytest.mark.parametrize("args,message", [
    (["--source", "nope", "--table", "students", "x.csv"], "没有代码为“nope”的来源系统。已登记的来源系统：jw"),
    (["--source", "jw", "--table", "pupils", "{file}"], "没有名为“pupils”的数据表"),
    (["--source", "jw", "--table", "students", "/no/such/file.csv"], "无法打开文件“/no/such/file.csv”"),
    (["--source", "jw", "--table", "students"], "用法：zhengai import"),
    (["--template", "students"], "请用 --out 指定模板文件名"),
])
def test_wrong_use_exits_two_with_a_message(college, tmp_path, args, message):
    file = tmp_path / "s.csv"
    file.write_text(HEADER, encoding="utf-8")

    code, _out, err = run(*[a.replace("{file}", str(file)) for a in args])

    assert code == 2 and message in err


def test_it_writes_a_template(tmp_path, db):
    out = tmp_path / "attendance.xlsx"

    code, stdout, _err = run("--template", "attendance", "--out", str(out))

    assert code == 0
    header = next(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert header == ("学号", "教学班代码", "日期", "节次", "考勤状态", "节数")


def test_a_batch_left_running_by_a_dead_process_is_recovered_as_failed(college):
    # A process that has exited: its pid is free (reaped), as after a kill -9.
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    import socket

    from django.utils import timezone

    dead = ImportBatch.objects.create(source=college.source, table="students", status=BatchStatus.RUNNING,
                                      runner=f"{socket.gethostname()}:{child.pid}", started_at=timezone.now())
    alive = ImportBatch.objects.create(source=college.source, table="students", status=BatchStatus.RUNNING,
                                       runner=f"{socket.gethostname()}:{os.getpid()}", started_at=timezone.now())
    out = StringIO()

    call_command("intake_recover", stdout=out)

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == BatchStatus.FAILED and "意外终止" in dead.error
    assert alive.status == BatchStatus.RUNNING
    assert out.getvalue().strip() == "已把 1 个中断的批次标记为失败。"
    assert BatchEvent.objects.filter(batch=dead, action="recovered").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_mid_batch_leaves_the_data_untouched_and_the_batch_failed(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the killed process needs a database it can share with the test: PostgreSQL")
    from zhengai.datacenter.testing import build_college

    college = build_college()
    Student.objects.bulk_create(
        Student(student_no=f"S{i:05d}", name="学生", gender="F", admin_class=college.class_cnc, specialty=college.cnc, cohort=2024)
        for i in range(4000)
    )
    # A named pipe: the importer reads what is written and then waits, mid-batch, for more.
    fifo = tmp_path / "attendance.csv"
    os.mkfifo(fifo)
    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    child = subprocess.Popen(
        [sys.executable, "-m", "zhengai", "import", "--source", "jw", "--table", "attendance", str(fifo)],
        env=env, cwd=Path(__file__).resolve().parents[3], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    writer = open(fifo, "w", encoding="utf-8")
    try:
        writer.write("学号,教学班代码,日期,节次,考勤状态\n")
        for session in ("2026-10-08", "2026-10-15", "2026-10-22"):
            for i in range(4000):
                writer.write(f"S{i:05d},2026-2027-1-C001-01,{session},1,出勤\n")
        writer.flush()
    except BrokenPipeError:
        child.wait()
        pytest.fail(child.stderr.read().decode())
    deadline = time.monotonic() + 60
    while not ImportBatch.objects.filter(status=BatchStatus.RUNNING).exists():
        assert time.monotonic() < deadline, child.stderr.read().decode() if child.poll() is not None else "no batch"
        time.sleep(0.1)
    time.sleep(1.0)  # well inside the batch: rows read and staged, the pipe still open

    child.send_signal(signal.SIGKILL)
    child.wait()
    try:
        writer.close()
    except BrokenPipeError:
        pass

    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.RUNNING
    assert recover_stale_batches() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert Attendance.objects.count() == 0
