from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from registry.models import Institution
from registry.services import institution_create


class Command(BaseCommand):
    help = "Register an institution (a data provider and/or a consent-requesting consumer)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", default="government", choices=Institution.Kind.values)
        parser.add_argument("--provider", action="store_true", help="publishes datasets")
        parser.add_argument("--consumer", action="store_true", help="requests consent")
        parser.add_argument("--state", default="", help="ISO 3166-2:IN code, e.g. KA")
        parser.add_argument("--website", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--verified", action="store_true")

    def handle(self, *args, **opts):
        provider, consumer = opts["provider"], opts["consumer"]
        if not provider and not consumer:
            provider = True  # the common case: an institution that publishes
        try:
            institution = institution_create(
                slug=opts["slug"],
                name=opts["name"],
                kind=opts["kind"],
                is_provider=provider,
                is_consumer=consumer,
                state_code=opts["state"],
                website=opts["website"],
                contact_email=opts["email"],
                verified=opts["verified"],
            )
        except ServiceError as exc:
            raise CommandError(
                f"{exc.field}: {exc.message}" if exc.field else exc.message
            ) from None
        roles = " and ".join(r for r, on in (("provider", provider), ("consumer", consumer)) if on)
        self.stderr.write(
            f"Created institution {institution.slug} ({institution.name}) as {roles}."
        )
