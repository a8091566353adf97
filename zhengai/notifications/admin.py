from django.contrib import admin

from .channels import do_delete_channel, do_save_channel
from .models import Channel, Delivery


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "department", "user", "active")
    list_filter = ("kind", "active")

    # Every change through the channel actions: audited, secrets never written to the trail.
    def save_model(self, request, obj, form, change):
        do_save_channel(obj, acting_user=request.user)

    def delete_model(self, request, obj):
        do_delete_channel(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for channel in queryset:
            do_delete_channel(channel, acting_user=request.user)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "kind", "target", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("kind", "status")
    readonly_fields = ("error",)
