from django.contrib import admin

from .models import Channel, Delivery


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "department", "user", "active")
    list_filter = ("kind", "active")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "kind", "target", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("kind", "status")
    readonly_fields = ("error",)
