from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DAY_S = 24 * 60 * 60


class CertificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.certification"
    label = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from tianping.web.certification import labels
        from tianping.web.certification.events import CertificateWithdrawn
        from tianping.web.core import events, periodic
        from tianping.web.ledger.models import ACTION_LABELS
        from tianping.web.operations.events import AlertOpened, IncidentOpened

        ACTION_LABELS.update(labels.LEDGER_ACTIONS)

        # Run daily by every `tianping worker`: certificates past their end expire, and
        # their holders are reminded 90 and 30 days before.
        periodic.register(
            "tianping.web.certification.services.certificates_expire_and_remind",
            every_s=DAY_S,
            name="certification_expiry",
        )
        periodic.register(
            "tianping.web.certification.services.surveillance_scope_check",
            every_s=DAY_S,
            name="certification_scope_check",
        )
        # Surveillance: an incident, a monitor alert or a withdrawn upstream certificate.
        handlers = "tianping.web.certification.handlers"
        events.subscribe(IncidentOpened, f"{handlers}.on_incident")
        events.subscribe(AlertOpened, f"{handlers}.on_alert")
        events.subscribe(CertificateWithdrawn, f"{handlers}.on_certificate_withdrawn")
