"""``{% load figures %}``: ``{{ value|figure:unit }}`` (the number with its unit, in the page's
language and the unit's precision) and ``{{ value|figure_number:unit }}`` (the number alone, for a
column whose header names the unit). See ``zhengai.core.figures``."""

from django import template

from zhengai.core import figures

register = template.Library()


@register.filter
def figure(value, unit=""):
    return figures.figure(value, unit)


@register.filter
def figure_number(value, unit=""):
    return figures.number(value, unit)


@register.filter
def unit_name(unit):
    return figures.unit_name(unit)
