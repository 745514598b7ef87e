from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...ledger import checkpoints_verify, ledger_verify
from ...models import CitizenProfile


class Command(BaseCommand):
    help = (
        "Verify every citizen's consent ledger hash chain and every signed checkpoint (against "
        "the chains and the append-only log); report the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--citizen", help="Only this handle")

    def handle(self, *args, **opts):
        citizens = CitizenProfile.objects.order_by("pk")
        if opts["citizen"]:
            citizens = citizens.filter(handle=opts["citizen"])
        chains, events, broken = ledger_verify(citizens)
        if broken:
            raise CommandError(f"Ledger broken at {broken} (after checking {events} events).")
        broken = checkpoints_verify(settings.SUCHI_LEDGER_CHECKPOINT_LOG)
        if broken:
            raise CommandError(f"Ledger checkpoint broken: {broken}.")
        self.stdout.write(f"Ledger intact: {chains} chain(s), {events} event(s) verified.")
