"""`manage.py check_translations`: fails when a catalog is incomplete (`make lint` runs it).

Incomplete means an untranslated or fuzzy entry in any catalog, or a string marked for
translation in a template or in Python that a catalog lacks (or an entry the source no
longer has): the fix is `make messages`, then translating what it added.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import translations


class Command(BaseCommand):
    help = (
        "Fail when a translation catalog has an untranslated or fuzzy entry, or is out of "
        "step with the strings the source marks for translation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=Path(settings.BASE_DIR),
            help="The source tree to collect strings from (default: the project)",
        )
        parser.add_argument(
            "--locale-dir",
            type=Path,
            default=None,
            help="Where the catalogs are (default: the first of LOCALE_PATHS)",
        )
        parser.add_argument(
            "-l",
            "--language",
            action="append",
            dest="languages",
            help="A language to check (repeatable; default: every language of LANGUAGES "
            "but LANGUAGE_CODE)",
        )

    def handle(self, *, source, locale_dir, languages, **options):
        source = source.resolve()
        locale_dir = (locale_dir or Path(settings.LOCALE_PATHS[0])).resolve()
        languages = languages or [
            code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        ]
        found = translations.problems(source, locale_dir, languages)
        for problem in found:
            self.stderr.write(str(problem))
        if found:
            raise CommandError(
                f"{len(found)} translation problem(s). Run `make messages`, translate the "
                "new entries, and run `make messages` again."
            )
        self.stdout.write(f"Catalogs complete: {', '.join(languages)}.")
