"""The e-mails there are: a registry the apps that send e-mail fill when they load.

notifications knows no app's words. An app registers each of its e-mails as an
`EmailEvent` (a name, who receives it, its placeholders with descriptions, a default text
per language and sample values for the preview) in its AppConfig.ready(); the template
editor, the preview, the defaults and email_queue() read them from here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The language an e-mail falls back to when an event has no text in the one asked for.
FALLBACK_LANGUAGE = "en"

# Who an e-mail goes to, shown beside it in Settings > Notification e-mails.
RECIPIENTS = {
    "customer": _("to the customer"),
    "shop": _("to the shop"),
}


@dataclass(frozen=True)
class EmailEvent:
    """One e-mail an app sends.

    `placeholders` maps each name staff may write as {name} to what it stands for; nothing
    else can be reached from a template (notifications.rendering). `defaults` maps a
    language to its (subject, body), written per language rather than through gettext
    because admins edit each language on its own. `sample(language)` gives invented values
    for the preview (every placeholder; links that exist on this site)."""

    name: str
    label: str | Promise
    recipient: str
    placeholders: Mapping[str, str | Promise]
    defaults: Mapping[str, tuple[str, str]]
    sample: Callable[[str], Mapping[str, str]] = field(compare=False)

    def __post_init__(self):
        if self.recipient not in RECIPIENTS:
            raise ValueError(f"Unknown recipient kind {self.recipient!r}.")
        if FALLBACK_LANGUAGE not in self.defaults:
            raise ValueError(f"E-mail {self.name!r} needs a default text in {FALLBACK_LANGUAGE}.")

    @property
    def recipient_label(self):
        return RECIPIENTS[self.recipient]

    def default_texts(self, language: str) -> tuple[str, str]:
        """(subject, body) shipped in code, in `language` or else the fallback language."""
        return self.defaults.get(language) or self.defaults[FALLBACK_LANGUAGE]


class UnknownEmailEvent(LookupError):
    pass


_events: dict[str, EmailEvent] = {}


def register(event: EmailEvent) -> EmailEvent:
    """Make an e-mail known. Registering the same name twice with other content is a
    programming error; registering the same event again (a module imported twice) is not."""
    known = _events.get(event.name)
    if known is not None and known != event:
        raise ValueError(f"E-mail {event.name!r} is already registered.")
    _events[event.name] = event
    return event


def get(name: str) -> EmailEvent:
    try:
        return _events[name]
    except KeyError:
        raise UnknownEmailEvent(name) from None


def exists(name: str) -> bool:
    return name in _events


def all_events() -> list[EmailEvent]:
    """Every registered e-mail, in the order they were registered."""
    return list(_events.values())


def label(name: str) -> str:
    """How an e-mail is named on the pages (its name, if nothing registers it anymore)."""
    return str(_events[name].label) if name in _events else name


def default_texts(name: str, language: str) -> tuple[str, str]:
    return get(name).default_texts(language)
