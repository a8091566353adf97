"""State changes of the indicator library (one transaction each; django-auditlog keeps the history)."""

from django.db import transaction

from .models import CustomIndicator


@transaction.atomic
def do_save_custom_indicator(form, *, acting_user) -> CustomIndicator:
    """Save a custom indicator from a valid ``CustomIndicatorForm`` (its spec already validated)."""
    custom = form.instance
    if not custom.pk:
        custom.created_by = acting_user
    custom.full_clean(exclude=["created_by"])
    custom.save()
    return custom
