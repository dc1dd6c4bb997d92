"""Are the translation catalogs complete? Two questions, one answer for CI (`make lint`):

- every entry of every catalog is translated and none is fuzzy (a fuzzy entry is a guess
  by msgmerge that gettext does not use, so the page would show English);
- the catalogs hold exactly the strings the source marks for translation: `makemessages`
  run on a copy of the source (never on the real catalogs) must find no string the catalog
  lacks and no entry the source no longer has. That is "someone forgot `make messages`".

Needs polib (a dev dependency) and GNU gettext's xgettext and msgmerge, like makemessages.
"""

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.test.utils import override_settings

# What `make messages` passes to makemessages; the check runs it the same way.
IGNORE = [".venv/*", "tests/*"]
# Not copied for the dry run: large, or not source.
NOT_SOURCE = (
    ".git",
    ".venv",
    ".lockenv",
    "node_modules",
    "artifacts",
    "staticfiles",
    "bench-results",
    "__pycache__",
    "*.mo",
    "*.sqlite3*",
)


@dataclass(frozen=True)
class Problem:
    language: str
    kind: str  # "untranslated", "fuzzy", "missing" (in the source, not the catalog), "stale"
    msgid: str
    context: str | None = None

    def __str__(self):
        where = f" [{self.context}]" if self.context else ""
        return f"{self.language}: {self.kind}{where}: {self.msgid!r}"


def catalog_path(locale_dir: Path, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def _entries(path: Path):
    import polib

    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def untranslated(locale_dir: Path, language: str) -> list[Problem]:
    """Entries of the catalog that gettext would show in English."""
    problems = []
    for entry in _entries(catalog_path(locale_dir, language)):
        if "fuzzy" in entry.flags:
            problems.append(Problem(language, "fuzzy", entry.msgid, entry.msgctxt))
        elif not entry.translated():
            problems.append(Problem(language, "untranslated", entry.msgid, entry.msgctxt))
    return problems


def out_of_sync(source: Path, locale_dir: Path, languages: list[str]) -> list[Problem]:
    """Strings marked in the source but missing from a catalog, and entries no longer marked.

    Copies the source tree to a temporary directory and runs makemessages there, so the
    real catalogs are never touched; then compares the message ids (with their context).
    """
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "source"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(*NOT_SOURCE), symlinks=True)
        copied_locale = copy / locale_dir.relative_to(source)
        cwd = os.getcwd()
        os.chdir(copy)  # makemessages walks the current directory
        try:
            with override_settings(LOCALE_PATHS=[copied_locale]):
                call_command(
                    "makemessages",
                    locale=languages,
                    no_obsolete=True,
                    add_location="file",
                    ignore_patterns=IGNORE,
                    verbosity=0,
                )
        finally:
            os.chdir(cwd)
        for language in languages:
            fresh = {_key(e): e for e in _entries(catalog_path(copied_locale, language))}
            kept = {_key(e): e for e in _entries(catalog_path(locale_dir, language))}
            for key in sorted(fresh.keys() - kept.keys(), key=str):
                problems.append(Problem(language, "missing", key[1], key[0]))
            for key in sorted(kept.keys() - fresh.keys(), key=str):
                problems.append(Problem(language, "stale", key[1], key[0]))
    return problems


def problems(source: Path, locale_dir: Path, languages: list[str]) -> list[Problem]:
    found = []
    for language in languages:
        if not catalog_path(locale_dir, language).exists():
            found.append(Problem(language, "missing", "(no catalog: run make messages)"))
    languages = [code for code in languages if catalog_path(locale_dir, code).exists()]
    for language in languages:
        found += untranslated(locale_dir, language)
    return found + out_of_sync(source, locale_dir, languages)
