from django.core.management.base import BaseCommand

from ...services import ledger_checkpoint_write


class Command(BaseCommand):
    help = (
        "Sign the heads of every consent ledger chain that moved since the last checkpoint "
        "(beat does it every SUCHI_LEDGER_CHECKPOINT_INTERVAL seconds; this is for cron)."
    )

    def handle(self, *args, **opts):
        checkpoint = ledger_checkpoint_write()
        if checkpoint is None:
            self.stdout.write("No chain moved since the last checkpoint.")
        else:
            self.stdout.write(
                f"Checkpoint #{checkpoint.seq}: {checkpoint.citizens} head(s) signed."
            )
