"""Figures as people read them: one precision per kind of figure, the unit in the page's language,
thousands separated — never 66.230 beside 57.143."""

import pytest
from django.template import Context, Template
from django.utils import translation

from zhengai.core.figures import figure, number


@pytest.mark.parametrize("value, unit, zh, en", [
    (66.2304, "%", "66.2%", "66.2%"),
    (57.142857, "%", "57.1%", "57.1%"),
    (100, "%", "100.0%", "100.0%"),
    (2040, "人", "2,040 人", "2,040 people"),
    (7.0, "小时", "7 小时", "7 h"),
    (26.54, "小时", "26.5 小时", "26.5 h"),
    (90.333, "分", "90.3 分", "90.3 pts"),
    (16.24, "比", "16.2 : 1", "16.2 : 1"),
    (12345.6, "元", "12,346 元", "12,346 yuan"),
    (1, "是否", "是", "Yes"),
    (0, "是否", "否", "No"),
    (1234567, "", "1,234,567", "1,234,567"),
    (3.456, "", "3.46", "3.46"),
    (45.678, "", "45.7", "45.7"),
    (1, "门", "1 门", "1 course"),
    (2, "门", "2 门", "2 courses"),
    (1.0, "项", "1 项", "1 item"),
    (1.5, "天", "1.5 天", "1.5 days"),
    (1, "人", "1 人", "1 person"),
    (None, "%", "—", "—"),
    ("", "分", "—", "—"),
    ("junk", "分", "—", "—"),
])
def test_it_formats_a_figure_with_its_unit_and_precision(value, unit, zh, en):
    with translation.override("zh-hans"):
        assert figure(value, unit) == zh
    with translation.override("en"):
        assert figure(value, unit) == en


def test_it_gives_one_precision_to_figures_of_one_kind():
    with translation.override("zh-hans"):
        assert [number(v, "%") for v in (66.23, 57.142857, 80)] == ["66.2", "57.1", "80.0"]


def test_it_offers_the_filter_to_templates():
    with translation.override("zh-hans"):
        html = Template('{% load figures %}{{ a|figure:"%" }} {{ b|figure:u }} {{ c|figure_number:"分" }} {{ u|unit_name }}').render(
            Context({"a": 97.236, "b": 26.5, "u": "小时", "c": 88.04}))
    assert html == "97.2% 26.5 小时 88.0 小时"
