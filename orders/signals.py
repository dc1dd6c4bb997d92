"""Extension points of the order pages.

orders knows nothing about the apps built on it (returns). Those apps connect receivers
here to add their panels and actions to the order pages, the way pretix plugins add to its
order page.
"""

from django.dispatch import Signal

# Receivers get (sender, request, order, side) with side "backoffice" or "account" and
# return rendered HTML (a SafeString) to show under the order's lines, or "".
order_page_panels = Signal()

# Receivers get (sender, request, orders) for a customer's My orders list and return
# {order_id: [(label, url), ...]}: buttons to show next to each order.
account_order_actions = Signal()
