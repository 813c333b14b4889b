from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DAY_S = 24 * 60 * 60


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tianping.web.reviews"
    label = "reviews"
    verbose_name = _("Ethics review")

    def ready(self) -> None:
        from tianping.web.core import notifications, periodic
        from tianping.web.ledger.models import ACTION_LABELS
        from tianping.web.reviews import labels

        # Notifications name their procedure, decision, opinion … in the reader's language.
        notifications.register_code_parameters(labels.NOTIFICATION_CODES, labels.code_label)
        # The platform log's entries of review events read like the review's timeline.
        ACTION_LABELS.update({f"review.{kind}": label for kind, label in labels.EVENTS.items()})

        # Run daily by every `tianping worker` from the schedule in the database (no cron);
        # `tianping review remind` and `tianping review purge` still run them at once.
        periodic.register(
            "tianping.web.reviews.aftercare.services.follow_up_remind",
            every_s=DAY_S,
            name="review_reminders",
        )
        periodic.register(
            "tianping.web.reviews.records.services.records_purge",
            every_s=DAY_S,
            name="review_purge",
        )
