from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tianping.web.accounts"
    label = "accounts"
    verbose_name = _("Organisations and accounts")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from tianping.web.home import on_connection_created

        # The database holds the accounts' password hashes and token digests: each SQLite
        # connection keeps its files 0600 (tianping.web.home).
        connection_created.connect(on_connection_created, dispatch_uid="tianping_private_sqlite")
