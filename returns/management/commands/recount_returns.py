from django.core.management.base import BaseCommand

from returns.services import return_counts_rebuild


class Command(BaseCommand):
    help = "Recount the per-status return counts the returns list shows (after a bulk import)."

    def handle(self, *args, **options):
        return_counts_rebuild()
        self.stdout.write(self.style.SUCCESS("Return counts rebuilt."))
