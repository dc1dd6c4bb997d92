"""The completeness check of `make lint` (`manage.py check_translations`), on a small source
tree with one German catalog: it passes when the catalog is complete and fails, naming the
string, on an untranslated, fuzzy, missing or stale entry."""

from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

HEADER = """msgid ""
msgstr ""
"Language: de\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""


def entry(msgid, msgstr, *, fuzzy=False):
    flag = "#, fuzzy\n" if fuzzy else ""
    return f'\n{flag}msgid "{msgid}"\nmsgstr "{msgstr}"\n'


@pytest.fixture
def project(tmp_path):
    """A template and a Python module marking two strings, and a complete German catalog."""
    source = tmp_path / "shop"
    (source / "templates").mkdir(parents=True)
    (source / "templates" / "page.html").write_text(
        '{% load i18n %}<a href="/">{% translate "Returns" %}</a>\n'
    )
    (source / "labels.py").write_text(
        'from django.utils.translation import gettext_lazy as _\n\nSAVE = _("Save")\n'
    )
    catalog = source / "locale" / "de" / "LC_MESSAGES" / "django.po"
    catalog.parent.mkdir(parents=True)

    def write(*entries):
        catalog.write_text(HEADER + "".join(entries), encoding="utf-8")

    write(entry("Returns", "Retouren"), entry("Save", "Speichern"))
    return SimpleNamespace(source=source, catalog=catalog, write=write)


def check(project):
    call_command(
        "check_translations",
        source=project.source,
        locale_dir=project.source / "locale",
        languages=["de"],
    )


def test_a_complete_catalog_passes(project, capsys):
    check(project)
    assert "Catalogs complete: de." in capsys.readouterr().out
    # The dry run leaves the real catalog as it was.
    assert "Speichern" in project.catalog.read_text()


def test_an_untranslated_string_fails_and_is_named(project, capsys):
    project.write(entry("Returns", "Retouren"), entry("Save", ""))
    with pytest.raises(CommandError, match="1 translation problem"):
        check(project)
    assert "de: untranslated: 'Save'" in capsys.readouterr().err


def test_a_fuzzy_entry_fails(project, capsys):
    project.write(entry("Returns", "Retouren"), entry("Save", "Sichern", fuzzy=True))
    with pytest.raises(CommandError):
        check(project)
    assert "de: fuzzy: 'Save'" in capsys.readouterr().err


def test_a_string_marked_in_a_template_but_missing_from_the_catalog_fails(project, capsys):
    page = project.source / "templates" / "page.html"
    page.write_text(page.read_text() + '{% translate "Request return" %}\n')
    with pytest.raises(CommandError):
        check(project)
    assert "de: missing: 'Request return'" in capsys.readouterr().err
    assert "Request return" not in project.catalog.read_text()


def test_a_string_marked_in_python_but_missing_from_the_catalog_fails(project, capsys):
    module = project.source / "labels.py"
    module.write_text(module.read_text() + 'CANCEL = _("Cancelled")\n')
    with pytest.raises(CommandError):
        check(project)
    assert "de: missing: 'Cancelled'" in capsys.readouterr().err


def test_an_entry_the_source_no_longer_marks_fails(project, capsys):
    project.write(entry("Returns", "Retouren"), entry("Save", "Speichern"), entry("Old", "Alt"))
    with pytest.raises(CommandError):
        check(project)
    assert "de: stale: 'Old'" in capsys.readouterr().err


def test_a_language_without_a_catalog_fails(project, capsys):
    with pytest.raises(CommandError):
        call_command(
            "check_translations",
            source=project.source,
            locale_dir=project.source / "locale",
            languages=["de", "fr"],
        )
    assert "fr: missing" in capsys.readouterr().err
