from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError

from ...services import citizen_create


class Command(BaseCommand):
    help = "Create a citizen account (for demos, tests and assisted sign-up)."

    def add_arguments(self, parser):
        parser.add_argument("handle", help="e.g. asha@suchi")
        parser.add_argument("--password", required=True)
        parser.add_argument("--language", default="en", choices=["en", "hi"])
        parser.add_argument("--name", default="")

    def handle(self, *args, **opts):
        try:
            citizen = citizen_create(
                **{k: opts[k] for k in ("handle", "password", "language", "name")}
            )
        except ServiceError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from None
        self.stdout.write(f"Created citizen {citizen.handle} ({citizen.language}).")
