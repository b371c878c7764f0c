from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _schedule_changed(sender, **kwargs):
    """A changed schedule changes what is due for everyone: rebuild the table (same
    transaction as the change)."""
    from livingwell.outcomes.due import rebuild

    rebuild()


class OutcomesConfig(AppConfig):
    name = "livingwell.outcomes"
    label = "outcomes"

    def ready(self):
        from livingwell.outcomes.models import MeasureSchedule

        post_save.connect(_schedule_changed, sender=MeasureSchedule, dispatch_uid="measure_due")
        post_delete.connect(_schedule_changed, sender=MeasureSchedule, dispatch_uid="measure_due")
