"""Language names as readers expect them: in the reader's own language ("Dutch" for an
English reader, "Nederlands" for a Dutch one). Only the language switch shows each language
in its own words, so that everyone finds theirs."""

from django.utils.translation import get_language_info


def language_name(code: str) -> str:
    """`code`'s name in the active language, or the code for a language Django does not
    know."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
