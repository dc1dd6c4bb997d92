from django.core.management.base import BaseCommand, CommandError

from returns.services import tallies_check, tallies_rebuild


class Command(BaseCommand):
    help = (
        "Recount the dashboard's kept tallies (returns and items per day, sold and held "
        "items per variant) from the returns and orders; with --check, only compare."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the kept tallies with a recount, write nothing; fail when they differ",
        )

    def handle(self, *args, check=False, **options):
        if check:
            differ = tallies_check()
            if differ:
                raise CommandError(f"{differ} tally rows differ from a recount.")
            self.stdout.write(self.style.SUCCESS("The tallies equal a recount."))
            return
        tallies_rebuild()
        self.stdout.write(self.style.SUCCESS("Tallies rebuilt."))
