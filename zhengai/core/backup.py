"""Backup and restore of the embedded deployment: the SQLite database, copied online with SQLite's
backup API (readers and writers go on meanwhile), and every uploaded file under ``MEDIA_ROOT``
(evidence, self-diagnosis files, exported reports), in one .tar.gz archive::

    zhengai backup --out zhengai-20261204.tar.gz
    zhengai restore zhengai-20261204.tar.gz

The archive holds ``manifest.json`` (when, the row count of every table, the files and their
sizes), ``db.sqlite3`` and ``media/…``. Restore replaces the database's content (again through the
backup API, so open connections see the restored data) and writes the files back; it checks the
manifest first. PostgreSQL is backed up with its own tools (README, "Backups")."""

import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST, DATABASE, MEDIA = "manifest.json", "db.sqlite3", "media"


class BackupError(Exception):
    pass


def _raw():
    if connection.vendor != "sqlite":
        raise BackupError(_("数据库是 %(vendor)s：请用 pg_dump 备份数据库，再备份 MEDIA_ROOT 下的文件（见 README“Backups”）。")
                          % {"vendor": connection.vendor})
    connection.ensure_connection()
    return connection.connection


def _counts(db) -> dict[str, int]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _media_files(root: Path):
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup(out) -> dict:
    """Write the archive to ``out`` (a path); returns the manifest."""
    raw = _raw()
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        copy_path = os.path.join(tmp, DATABASE)
        copy = sqlite3.connect(copy_path)
        try:
            raw.backup(copy)
            counts = _counts(copy)
        finally:
            copy.close()
        files = _media_files(media)
        manifest = {"created_at": timezone.now().isoformat(), "database": "sqlite", "tables": counts,
                    "files": {p.relative_to(media).as_posix(): p.stat().st_size for p in files}}
        manifest_path = os.path.join(tmp, MANIFEST)
        Path(manifest_path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        with tarfile.open(out, "w:gz") as archive:
            archive.add(manifest_path, MANIFEST)
            archive.add(copy_path, DATABASE)
            for p in files:
                archive.add(str(p), f"{MEDIA}/{p.relative_to(media).as_posix()}")
    return manifest


def restore(source) -> dict:
    """Replace the database's content and the uploaded files by those of the archive ``source``."""
    raw = _raw()
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(source, "r:gz") as archive, tempfile.TemporaryDirectory() as tmp:
        names = archive.getnames()
        if MANIFEST not in names or DATABASE not in names:
            raise BackupError(_("这不是诊改平台的备份文件（缺少 %(what)s）。") % {"what": MANIFEST if MANIFEST not in names else DATABASE})
        manifest = json.loads(archive.extractfile(MANIFEST).read().decode("utf-8"))
        archive.extract(DATABASE, tmp, filter="data")
        copy = sqlite3.connect(os.path.join(tmp, DATABASE))
        try:
            if _counts(copy) != manifest["tables"]:
                raise BackupError(_("备份文件中的数据库与其清单不符，未恢复。"))
            connection.close_if_unusable_or_obsolete()
            copy.backup(raw)
        finally:
            copy.close()
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith(MEDIA + "/"):
                rel = member.name[len(MEDIA) + 1:]
                target = (media / rel).resolve()
                if not str(target).startswith(str(media.resolve()) + os.sep):
                    raise BackupError(_("备份文件中的路径“%(name)s”不安全，未恢复。") % {"name": member.name})
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as data, open(target, "wb") as out:
                    out.write(data.read())
    return manifest
