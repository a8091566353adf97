"""Pages and exports of state data read in queries that do not grow with the rows."""

import io
import json

from django.core.management import call_command
from django.urls import reverse

from zhengai.statedata.corrections import do_import_failures
from zhengai.statedata.filling import fill_template

YEAR = "2025-2026"


def test_the_exports_and_the_corrections_page_read_in_a_fixed_number_of_queries(
        client, cast, year_facts, defaults, settings, tmp_path, django_assert_max_num_queries):
    from zhengai.statedata import export
    from zhengai.statedata.models import ReportTemplate

    settings.ZHENGAI_SCHOOL_CODE = "4132012345"
    for t in defaults.values():
        fill_template(t, YEAR)
    templates = list(ReportTemplate.objects.all())
    with django_assert_max_num_queries(8):
        files, _missing = export.export_files(templates, YEAR, "json", {})
    records = [r for name, data in files.items() if name != "mapping.json" for r in json.loads(data)["数据"]]
    assert len(records) > 40
    body = "ZJSJWYXBS,失败原因\n" + "".join(f"{r['ZJSJWYXBS']},数值有误\n" for r in records[:3])
    do_import_failures("a.csv", body.encode())
    client.force_login(cast.alice)
    url = reverse("statedata:corrections") + "?state=all"
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    body = "ZJSJWYXBS,失败原因\n" + "".join(f"{r['ZJSJWYXBS']},数值有误\n" for r in records)
    do_import_failures("b.csv", body.encode())
    # Many times the tasks; a few queries of slack for the clock's cached row, re-read on a slow machine.
    assert len(records) >= 5 * 3
    with django_assert_max_num_queries(len(few.captured_queries) + 4):
        assert client.get(url).status_code == 200
