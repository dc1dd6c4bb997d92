"""The return slip: a one-page A4 PDF the customer puts in the parcel, in the customer's
language, so that whoever opens the parcel finds its return by scanning it.

It carries the return number twice, as a Code 128 barcode (what a warehouse's keyboard
scanner reads) and as a QR code (what a phone reads), the order, the items as the customer
sees them (returns.selectors.customer_view: what they asked for, never staff's edits) and
where and how to send the parcel (Settings > Account & service, in the customer's language).
The same document whoever prints it, the customer from their account or staff from the
return page.

WeasyPrint renders the Django template `returns/slip.html` with `slip.css`; the codes are
PNG images embedded as data: URIs, and the renderer fetches nothing else (no file, no URL),
so nothing a customer typed can make it read the disk or the network.
"""

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import barcode
import segno
from barcode.writer import ImageWriter
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from . import selectors
from .models import Return

_CSS = Path(__file__).with_name("slip.css")


def qr_payload(rma: Return) -> str:
    """What the slip's QR code holds: the backoffice's Receive address for this return.
    A phone opens it (staff log in, anyone else is refused); a keyboard scanner types it
    into the Receive field, which reads the return number back from it."""
    query = f"?code={rma.number}"
    return settings.SITE_URL + reverse("returns:receive") + query


def code128_png(text: str) -> bytes:
    """`text` as a Code 128 barcode, a PNG without the human-readable line (the slip
    prints the number itself, larger)."""
    out = io.BytesIO()
    code = barcode.get("code128", text, writer=ImageWriter())
    code.write(
        out,
        options={"module_width": 0.4, "module_height": 18, "quiet_zone": 6.5, "write_text": False},
    )
    return out.getvalue()


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass(frozen=True)
class Slip:
    filename: str
    pdf: bytes


def return_slip(rma: Return) -> Slip:
    """The slip of `rma` (from return_detail or customer_return), in the customer's
    language whoever asks for it."""
    return Slip(filename=f"{rma.number}.pdf", pdf=_document(rma).write_pdf())


# Slips printed at once: WeasyPrint lays out one in 0.1-0.3 s (100 took 28 s on a loaded
# 2-core machine), so 50 stay well inside a worker's 30 s timeout.
SLIPS_LIMIT = 50


def return_slips(returns: list[Return], *, filename: str) -> Slip:
    """One PDF of the slips of `returns` (each from return_detail), in their order: each
    slip exactly as return_slip makes it, in its own customer's language, from a new page
    (one page each, as a slip is)."""
    documents = [_document(rma) for rma in returns]
    pages = [page for document in documents for page in document.pages]
    return Slip(filename=filename, pdf=documents[0].copy(pages).write_pdf())


def _document(rma: Return):
    """The slip of `rma` laid out (a WeasyPrint document), in the customer's language."""
    shop = selectors.return_settings()
    language = rma.customer.language or settings.LANGUAGE_CODE
    view = selectors.customer_view(rma, selectors.return_lines(rma))
    with translation.override(language):
        html = render_to_string(
            "returns/slip.html",
            {
                "rma": rma,
                "view": view,
                "shop_name": settings.SHOP_NAME,
                "return_address": shop.return_address,
                "return_instructions": shop.instructions_in(language),
                "barcode": _data_uri(code128_png(rma.number)),
                "qr": _data_uri(qr_png(qr_payload(rma))),
                "language": language,
            },
        )
    # Only data: URIs (the codes); any other address stops the rendering.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=_CSS.read_text(encoding="utf-8"), url_fetcher=fetcher)]
    )
