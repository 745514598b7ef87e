import time

from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError

from ...synthetic import generate_datasets


class Command(BaseCommand):
    help = (
        "Bulk-load N synthetic published datasets (with distributions and revisions) under new "
        "institutions, for benchmarks and load tests. Not for a production catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many datasets, e.g. 1000000")
        parser.add_argument(
            "--institutions", type=int, default=None, help="default: one per 1,000 datasets"
        )
        parser.add_argument("--seed", type=int, default=0, help="same seed, same catalogue")
        parser.add_argument(
            "--prefix", default="gen", help="slug prefix of the new institutions (default gen)"
        )
        parser.add_argument("--batch-size", type=int, default=10_000)

    def handle(self, *args, count, institutions, seed, prefix, batch_size, **opts):
        if count < 1 or batch_size < 1 or (institutions is not None and institutions < 1):
            raise CommandError("count, --institutions and --batch-size must be at least 1.")
        started = time.perf_counter()
        verbosity = opts["verbosity"]

        def progress(done: int) -> None:
            if verbosity >= 2 or done == count or done % (batch_size * 10) == 0:
                rate = done / (time.perf_counter() - started)
                self.stdout.write(f"{done:>10,} datasets  ({rate:,.0f}/s)")

        try:
            made = generate_datasets(
                count=count,
                institutions=institutions,
                seed=seed,
                prefix=prefix,
                batch_size=batch_size,
                progress=progress,
            )
        except ServiceError as exc:
            raise CommandError(
                f"{exc.message} Use another --prefix or load into another database."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {made.datasets:,} published datasets with {made.distributions:,} "
                f"distributions under {made.institutions:,} institutions in "
                f"{time.perf_counter() - started:.0f} s."
            )
        )
