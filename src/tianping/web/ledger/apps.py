from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "tianping.web.ledger"
    label = "ledger"
    # No verbose_name yet: a new one needs the translation catalogue regenerated (Django
    # shows "Ledger" meanwhile).

    def ready(self) -> None:
        from tianping.web.core import health
        from tianping.web.ledger.selectors import keys_mismatched

        # /readyz: this process's checkpoint keys verify the latest checkpoint of every log
        # (checked again at most once a minute while they do).
        health.register("keys", lambda: not keys_mismatched(), remember_ok_s=60)
