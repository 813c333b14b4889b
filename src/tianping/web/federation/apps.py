from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from tianping.web.core import events, periodic
        from tianping.web.network.events import WarningAcknowledged

        periodic.register("tianping.web.federation.services.federation_tick", every_s=60)
        events.subscribe(
            WarningAcknowledged, "tianping.web.federation.handlers.warning_acknowledged"
        )
