import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .problems import PayloadTooLarge


class LimitedJSONParser(parsers.JSONParser):
    """JSON bodies up to settings.API_MAX_BODY bytes (413 beyond: rest_framework reads the
    stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE). Text with a NUL character
    is refused here (400): no column can store it, and PostgreSQL refuses to compare with
    it, so it must never reach a query."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(
                _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        try:
            text = raw.decode("utf-8")
            data = json.loads(text, parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ParseError(_("The request body is not valid JSON.")) from error
        if has_nul(data):
            raise ParseError(_("Text may not contain the NUL character."))
        return data


def has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


def _refuse_constant(name):
    raise ValueError(name)  # NaN and Infinity are not JSON
