"""State changes of state data, one transaction each. django-auditlog keeps the history of the
templates, their tables, rows and columns and of each fill (registered in ``apps.py``)."""

from django.db import transaction

from . import filling, templates_io
from .structure import replace


@transaction.atomic
def do_fill_template(template, year: str, *, acting_user=None, table_codes=None):
    """Compute every cell the data center can answer; the rest become to-dos (``filling``)."""
    return filling.fill_template(template, year, table_codes=table_codes)


@transaction.atomic
def do_import_template(template, source, size: int, *, acting_user=None) -> dict:
    """Replace the template's tables by an uploaded workbook's: all or nothing."""
    return templates_io.import_workbook(template, source, size)


@transaction.atomic
def do_replace_tables(template, specs, *, acting_user=None) -> dict:
    """Save the template's tables as edited on the page (already checked)."""
    return replace(template, specs)
