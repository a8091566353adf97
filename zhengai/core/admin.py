from django.contrib import admin

from .models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audit-like record (what happened: an import batch, an audit event): shown, never added,
    changed or deleted in the admin — by anyone, the superuser included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The sign-in audit trail is read-only: nobody edits or deletes what happened."""

    list_display = ["at", "kind", "username", "ip", "user_agent"]
    list_filter = ["kind"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
