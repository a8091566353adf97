"""Chinese first, English complete: the catalogue covers every string of the code, every entry
has its English, the compiled .mo matches the .po, and switching language changes the pages."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
from django.urls import reverse

import zhengai

PACKAGE = Path(zhengai.__file__).parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


class Context(NamedTuple):
    context: str
    msgid: str


def read_po(path: Path) -> dict:
    """msgid (or (msgid, plural[, context])) → msgstr (or tuple of plural forms) of a .po file; fuzzy entries
    are reported as untranslated, as msgfmt would drop them."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current, fuzzy = {}, None, False
        for line in block.strip().splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if not fields.get("msgid"):
            continue
        if "msgid_plural" in fields:
            forms = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr["))
            key = (fields["msgid"], fields["msgid_plural"]) + ((fields["msgctxt"],) if "msgctxt" in fields else ())
            entries[key] = () if fuzzy else forms
        elif "msgctxt" in fields:
            entries[Context(fields["msgctxt"], fields["msgid"])] = "" if fuzzy else fields.get("msgstr", "")
        else:
            entries[fields["msgid"]] = "" if fuzzy else fields.get("msgstr", "")
    return entries


def test_it_has_english_for_every_entry_of_the_catalogue():
    entries = read_po(PO)
    assert len(entries) > 300
    missing = [k for k, v in entries.items() if not v or (isinstance(v, tuple) and not all(v))]
    assert entries[Context("首页统计", "部门")] == "Departments" and entries["部门"] == "Department"
    assert missing == [], f"{len(missing)} strings without English in {PO} (README: Translations): {missing[:10]}"


def test_it_ships_a_compiled_catalogue_that_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for key, value in read_po(PO).items():
        if isinstance(key, Context):
            if catalogue.pgettext(key.context, key.msgid) != value:
                stale.append(key)
        elif isinstance(key, tuple):
            forms = [catalogue.npgettext(key[2], key[0], key[1], n) if len(key) == 3 else catalogue.ngettext(key[0], key[1], n)
                     for n in (1, 2)]
            if forms != list(value[:2]):
                stale.append(key[0])
        elif catalogue.gettext(key) != value:
            stale.append(key)
    assert stale == [], f"django.mo is older than django.po; run `make compilemessages`: {stale[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (make system-deps installs it)")
def test_it_has_every_translatable_string_of_the_code_in_the_catalogue(tmp_path):
    # makemessages over a copy of the package, so the committed catalogue is never touched
    copy = tmp_path / "zhengai"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "locale", "migrations"))
    (copy / "locale").mkdir()
    subprocess.run(
        ["django-admin", "makemessages", "-l", "en", "--no-location", "--no-obsolete", "--no-wrap"],
        cwd=copy, check=True, capture_output=True,
        env={"PATH": str(Path(shutil.which("xgettext")).parent) + ":" + str(Path(__import__("sys").executable).parent),
             "DJANGO_SETTINGS_MODULE": ""},
    )
    extracted = set(read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert "各部门在读学生" in extracted and len(extracted) > 300
    committed = set(read_po(PO))
    new = sorted(map(str, extracted - committed))
    assert new == [], f"strings not yet in {PO.name}; run `make messages` and translate them: {new[:10]}"


def switch_to(client, language):
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("home")})
    assert response.status_code == 302


def test_it_shows_chinese_by_default_and_english_after_switching(client, cast):
    client.force_login(cast.alice)
    text = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in text and "各部门在读学生" in text and "退出" in text
    switch_to(client, "en")
    text = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in text
    assert "Enrolled students by department" in text and "Sign out" in text and "My account" in text
    assert "Departments" in text and "Specialties" in text  # the home figures, plural in English
    assert "各部门在读学生" not in text and "退出" not in text
    switch_to(client, "zh-hans")
    assert "各部门在读学生" in client.get(reverse("home")).content.decode()


def test_it_translates_model_labels_in_the_data_dictionary(client, cast):
    client.force_login(cast.alice)
    switch_to(client, "en")
    text = client.get(reverse("datacenter:dictionary")).content.decode()
    assert "Student number" in text and "Attendance status" in text and "Data dictionary" in text


def test_it_renders_the_django_admin_in_chinese(client, db):
    from zhengai.org.models import User

    admin = User.objects.create_superuser("root", password="pw-root")
    client.force_login(admin)
    text = client.get(reverse("admin:index")).content.decode()
    assert "诊改平台管理" in text and "校本数据中心" in text and "站点管理" not in text
    text = client.get(reverse("admin:datacenter_student_changelist")).content.decode()
    assert 'id="searchbar"' in text and "学籍状态" in text  # search box and the status filter
