from django.contrib import admin

from tianping.web.federation.models import Inbound, Outbound, Peer, RemoteAcknowledgement


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "stand_in", "enabled", "created_at"]


@admin.register(Outbound)
class OutboundAdmin(admin.ModelAdmin):
    list_display = ["message_id", "peer", "kind", "object_id", "state", "attempts", "last_error"]
    list_filter = ["state", "kind"]
    readonly_fields = ["message_id", "peer", "kind", "object_id", "body", "delivered_at"]


@admin.register(Inbound)
class InboundAdmin(admin.ModelAdmin):
    list_display = ["message_id", "peer", "kind", "object_id", "received_at"]
    readonly_fields = ["message_id", "peer", "kind", "object_id"]


@admin.register(RemoteAcknowledgement)
class RemoteAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["warning", "peer", "organisation_name", "region", "acknowledged_at"]
    list_filter = ["peer"]
    readonly_fields = ["warning", "peer", "organisation_name", "region", "acknowledged_at"]
