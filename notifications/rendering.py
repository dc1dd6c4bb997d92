"""The restricted formatter for staff-edited e-mail text (SPEC §4).

Admins write `{customer_name}` (a placeholder of the e-mail's event, see registry.py);
`{{` and `}}` stand for a literal brace. Nothing else means
anything: no attribute or index access, no conversions, no format specs, no positional
fields, no template tags. A text is split into literal pieces and placeholder names, and a
name is only ever replaced by the string the caller supplied. No object, setting or method
can be reached, which is why this is a small scanner and not `str.format` or the Django
template engine.
"""

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

# `{{`, `}}`, a `{...}` field without braces inside, or a brace on its own (an error).
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
# Characters that would make str.format look something up or format it.
_FORMATTING = re.compile(r"[.\[\]!:]")
# Long enough for any real value; keeps a runaway value from making a runaway e-mail.
MAX_VALUE_LENGTH = 2000
MAX_SUBJECT_LENGTH = 255
_URL = re.compile(r"https?://[^\s<>\"']+\Z")


@dataclass(frozen=True)
class Piece:
    text: str
    placeholder: str = ""  # the name, when this piece is a placeholder
    error: str = ""  # why the piece is not valid (then `text` is the raw text)


def _scan(text: str, placeholders: Collection[str]) -> Iterator[Piece]:
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            yield Piece(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            yield Piece(token[0])
        elif match.group(1) is None:
            yield Piece(
                token,
                error=_(
                    "A single “%(brace)s” at character %(position)s. Write “{{” or “}}” for a "
                    "brace in the text, or {name} for a placeholder."
                )
                % {"brace": token, "position": match.start() + 1},
            )
        elif match.group(1) in placeholders:
            yield Piece("", placeholder=match.group(1))
        else:
            shown = Truncator(token).chars(40)
            if _FORMATTING.search(match.group(1)):
                error = _(
                    "%(field)s: placeholders are plain names; attributes, indexes, "
                    "conversions and formats are not allowed."
                ) % {"field": shown}
            else:
                error = _("%(field)s is not a placeholder. Use one of: %(names)s.") % {
                    "field": shown,
                    "names": ", ".join(f"{{{name}}}" for name in placeholders),
                }
            yield Piece(token, error=error)
    if position < len(text):
        yield Piece(text[position:])


def template_errors(text: str, placeholders: Collection[str]) -> list[str]:
    """Every problem in a text, in order, each once; [] when it is a valid template whose
    only fields are `placeholders`."""
    errors = []
    for piece in _scan(text, placeholders):
        if piece.error and piece.error not in errors:
            errors.append(str(piece.error))
    return errors


def placeholders_in(text: str, placeholders: Collection[str]) -> set[str]:
    """The placeholders a text uses (a translation of a default must keep them all)."""
    return {piece.placeholder for piece in _scan(text, placeholders) if piece.placeholder}


def _value(values: Mapping[str, object], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value)[:MAX_VALUE_LENGTH]


def _pieces(
    text: str, values: Mapping[str, object], placeholders: Collection[str] | None
) -> Iterator[tuple[str, str]]:
    """(name or "", text) pairs; invalid fields come out as their literal, inert text. The
    placeholders are the caller's (the names `values` has, unless given), never the text's;
    one without a value is empty."""
    for piece in _scan(text, values.keys() if placeholders is None else placeholders):
        if piece.placeholder:
            yield piece.placeholder, _value(values, piece.placeholder)
        else:
            yield "", piece.text


def render_text(
    text: str, values: Mapping[str, object], placeholders: Collection[str] | None = None
) -> str:
    """The text with its placeholders filled in. Never raises: the template was checked when
    it was saved, and anything invalid that got in some other way stays literal text."""
    return "".join(value for _name, value in _pieces(text, values, placeholders))


def render_subject(
    text: str, values: Mapping[str, object], placeholders: Collection[str] | None = None
) -> str:
    """One line (a value with a line break cannot add e-mail headers), of bounded length."""
    return " ".join(render_text(text, values, placeholders).split())[:MAX_SUBJECT_LENGTH]


def render_html(
    text: str,
    values: Mapping[str, object],
    placeholders: Collection[str] | None = None,
    *,
    language: str = "",
) -> str:
    """The HTML part: every literal and every value escaped, paragraphs and line breaks kept,
    and the return's address (when it is a web address) made a link. `language` goes on
    the html element, so that a screen reader reads a German e-mail as German."""
    out = []
    for name, value in _pieces(text, values, placeholders):
        if name == "return_url" and _URL.match(value):
            out.append(f'<a href="{escape(value)}">{escape(value)}</a>')
        else:
            out.append(str(escape(value)))
    paragraphs = re.split(r"\n\s*\n", "".join(out).replace("\r\n", "\n").strip())
    body = "\n".join(
        "<p>" + paragraph.strip().replace("\n", "<br>\n") + "</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )
    lang = f' lang="{escape(language)}"' if language else ""
    return f"<!doctype html>\n<html{lang}><body>\n{body}\n</body></html>\n"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str
    html_body: str


def render_email(
    *,
    subject: str,
    body: str,
    values: Mapping[str, object],
    placeholders: Collection[str] | None = None,
    language: str = "",
) -> RenderedEmail:
    return RenderedEmail(
        subject=render_subject(subject, values, placeholders),
        body=render_text(body, values, placeholders),
        html_body=render_html(body, values, placeholders, language=language),
    )
