from django.core.management.base import BaseCommand, CommandError

from registry.models import Institution

from ...ledger import chain_verify
from ...models import ExchangeEvent


class Command(BaseCommand):
    help = "Verify every provider's exchange hash chain; report the first broken link."

    def handle(self, *args, **opts):
        providers = Institution.objects.filter(
            pk__in=ExchangeEvent.objects.values("provider_id")
        ).order_by("pk")
        chains = 0
        for provider in providers:
            broken = chain_verify(provider)
            if broken:
                raise CommandError(f"Exchange ledger broken at {broken}.")
            chains += 1
        events = ExchangeEvent.objects.count()
        self.stdout.write(f"Exchange ledger intact: {chains} chain(s), {events} event(s) verified.")
