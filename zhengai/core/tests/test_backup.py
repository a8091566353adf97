"""Backup and restore of the embedded deployment: back up, wipe, restore, and find every row and
every uploaded file again."""

import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

pytestmark = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the embedded SQLite database")


def _tables():
    with connection.cursor() as cursor:
        names = [r[0] for r in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()]
        return {n: cursor.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_wipes_and_restores_every_row_and_file(tmp_path, settings):
    from zhengai.datacenter.models import Student
    from zhengai.datacenter.testing import build_college

    settings.MEDIA_ROOT = str(tmp_path / "media")
    build_college()
    evidence = tmp_path / "media" / "chains" / "evidence" / "2026" / "11" / "佐证.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.4 evidence")
    report = tmp_path / "media" / "cycles" / "jobs" / "report.docx"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"PK report")
    before = _tables()
    assert Student.objects.exists()
    archive = tmp_path / "zhengai-backup.tar.gz"

    call_command("backup", "--out", str(archive))

    with tarfile.open(archive) as t:
        assert {"manifest.json", "db.sqlite3", "media/chains/evidence/2026/11/佐证.pdf", "media/cycles/jobs/report.docx"} <= set(t.getnames())
    # Wipe: every row of every table, and both files.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys=OFF")
        for name in before:
            cursor.execute(f'DELETE FROM "{name}"')
        cursor.execute("PRAGMA foreign_keys=ON")
    assert not Student.objects.exists()
    evidence.unlink()
    report.unlink()
    assert _tables() != before

    call_command("restore", str(archive))

    assert _tables() == before
    assert evidence.read_bytes() == b"%PDF-1.4 evidence" and report.read_bytes() == b"PK report"


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    bad = tmp_path / "x.tar.gz"
    with tarfile.open(bad, "w:gz") as t:
        (tmp_path / "a.txt").write_text("x")
        t.add(tmp_path / "a.txt", "a.txt")
    with pytest.raises(CommandError, match="这不是诊改平台的备份文件"):
        call_command("restore", str(bad))
