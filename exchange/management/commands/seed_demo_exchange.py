from django.core.management.base import BaseCommand

from ...demo import seed_demo_exchange


class Command(BaseCommand):
    help = "Demo access requests and a data-use agreement (run by seed_demo)."

    def handle(self, *args, **opts):
        added = seed_demo_exchange()
        self.stdout.write(f"Demo exchange: {added} access request(s) added.")
