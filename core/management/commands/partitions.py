"""List, extend and retire the monthly partitions of the record tables (core/partitions.py).

manage.py partitions                          # each table's partitions and their rows
manage.py partitions --ensure 3               # this month and the next 3, for every table
manage.py partitions --detach-before 2019-01  # detach months ending by then (retention
                                              # permitting); add --drop to drop them too
"""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ...errors import ServiceError
from ...partitions import partitions, partitions_detach, partitions_ensure


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(f"--detach-before wants a month, YYYY-MM; got {value!r}") from None


class Command(BaseCommand):
    help = "List, extend and retire the monthly partitions of the record tables."

    def add_arguments(self, parser):
        parser.add_argument("--ensure", type=int, metavar="MONTHS", help="months ahead to create")
        parser.add_argument(
            "--detach-before", metavar="YYYY-MM", help="detach months ending by then"
        )
        parser.add_argument("--drop", action="store_true", help="drop what is detached")
        parser.add_argument("--table", action="append", help="only this table (repeatable)")

    def handle(self, *args, ensure=None, detach_before=None, drop=False, table=None, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Partitioning is PostgreSQL's; this database keeps plain tables.")
            return
        tables = table or list(settings.SUCHI_PARTITIONED)
        unknown = sorted(set(tables) - set(settings.SUCHI_PARTITIONED))
        if unknown:
            raise CommandError(f"not a partitioned table: {', '.join(unknown)}")
        if ensure is not None:
            for name in tables:
                created = partitions_ensure(name, months_ahead=ensure)
                self.stdout.write(f"{name}: {created} partition(s) created")
        if detach_before:
            before = _month(detach_before)
            for name in tables:
                try:
                    done = partitions_detach(name, before=before, drop=drop)
                except ServiceError as exc:
                    raise CommandError(exc.message) from None
                verb = "dropped" if drop else "detached"
                self.stdout.write(f"{name}: {verb} {', '.join(done) or 'nothing'}")
        if ensure is None and not detach_before:
            with connection.cursor() as cursor:
                for name in tables:
                    for part in partitions(name):
                        cursor.execute(f"SELECT count(*) FROM {part.name}")  # noqa: S608
                        span = f"{part.start:%Y-%m}" if part.start else "default"
                        self.stdout.write(f"{name}\t{span}\t{part.name}\t{cursor.fetchone()[0]}")
