"""Extension points of the return page.

returns knows nothing about the apps built on it (billing). Those apps connect receivers
here to add their panels to the return page, as returns does on the order pages."""

from django.dispatch import Signal

# Receivers get (sender, request, rma) and return rendered HTML (a SafeString) to show
# under the return's lines, or "".
return_page_panels = Signal()
