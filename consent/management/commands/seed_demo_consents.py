from django.core.management.base import BaseCommand

from ...demo import seed_demo_consents


class Command(BaseCommand):
    help = "Demo citizens and consent requests (run by seed_demo after the registry's demo data)."

    def handle(self, *args, **opts):
        citizens, requests = seed_demo_consents()
        self.stdout.write(f"Demo consents: {citizens} citizen(s) and {requests} request(s) added.")
