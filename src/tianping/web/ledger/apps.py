from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "tianping.web.ledger"
    label = "ledger"
    # No verbose_name yet: a new one needs the translation catalogue regenerated (Django
    # shows "Ledger" meanwhile).
