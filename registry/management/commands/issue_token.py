from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from registry.models import Institution
from registry.scopes import SCOPES
from registry.services import token_issue


class Command(BaseCommand):
    help = (
        "Issue an API token for an institution. Prints the token once on stdout and nothing "
        "else, so `TOKEN=$(manage.py issue_token …)` works; it cannot be shown again. "
        f"Scopes: {', '.join(SCOPES)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the institution's slug")
        parser.add_argument("--scopes", required=True, help="comma-separated, e.g. datasets:write")
        parser.add_argument("--name", default="cli", help="a label for the token")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args, **opts):
        try:
            institution = Institution.objects.get(slug=opts["slug"])
        except Institution.DoesNotExist:
            raise CommandError(f"No institution with slug {opts['slug']!r}.") from None
        if opts["expires_days"] is not None and opts["expires_days"] <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        try:
            issued = token_issue(
                institution=institution,
                name=opts["name"],
                scopes=scopes,
                expires_in=timedelta(days=opts["expires_days"]) if opts["expires_days"] else None,
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(issued.secret)
