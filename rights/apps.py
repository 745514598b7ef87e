from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "Data principals' rights under the DPDP Act"

    def ready(self) -> None:
        # Institutions hear of grievances about them through the consent webhooks they have.
        from consent.services import webhook_event_types_register

        from .models import EVENT_WEBHOOKS

        webhook_event_types_register(EVENT_WEBHOOKS)

        # Records the law requires kept are not deleted early, by anyone (rights/records.py).
        from django.db.models.signals import pre_delete

        from .records import RETAINED, retention_guard

        for model in RETAINED:
            pre_delete.connect(retention_guard, sender=model, dispatch_uid=f"retain-{model}")
