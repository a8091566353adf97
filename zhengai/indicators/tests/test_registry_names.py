"""An indicator's name follows the active language: the library's names are data, not gettext strings."""

from django.utils import translation

from zhengai.indicators.registry import get


def test_it_names_an_indicator_in_the_active_language():
    indicator = get("student.attendance_rate")
    with translation.override("zh-hans"):
        assert indicator.name == indicator.name_zh == "出勤率"
    with translation.override("en"):
        assert indicator.name == indicator.name_en == "Attendance rate"
