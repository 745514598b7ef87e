from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Data exchange: access requests and data-use agreements"

    def ready(self) -> None:
        # Institutions subscribe to the exchange's events with the consent webhooks they have.
        from consent.services import webhook_event_types_register

        from .models import EVENT_WEBHOOKS

        webhook_event_types_register(EVENT_WEBHOOKS)
