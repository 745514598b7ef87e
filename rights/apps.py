from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "Data principals' rights under the DPDP Act: grievances"

    def ready(self) -> None:
        # Institutions hear of grievances about them through the consent webhooks they have.
        from consent.services import webhook_event_types_register

        from .models import EVENT_WEBHOOKS

        webhook_event_types_register(EVENT_WEBHOOKS)
