"""Every write of the returns app. Each module is one kind of write:

- `receiving`: what arrived of each line, its condition and disposition (the per-line
  stock rule);
- `lifecycle`: create a return (staff), a customer's request, every change of a return
  (status, fields, quantities, notes) with the stock reconciliation, and staff's messages
  to the customer;
- `assignment`: who on the staff handles a return;
- `photos`: keeping photos, the customer's (with their request) and staff's inspection
  photos;
- `bulk`: the returns list's bulk actions, each return through the services above;
- `history`: appending to a return's history (also for e-mail delivery states);
- `counts`: the kept number of returns per status and reason;
- `tallies`: the dashboard's kept tallies per day, month and year;
- `catalog`: the reasons and actions admins offer;
- `settings`: Settings > Account & service.

The rules themselves are in returns/workflow.py; the errors in returns/exceptions.py.
"""

from ..workflow import Choice, Receipt
from .assignment import return_assign
from .bulk import BULK_LIMIT, BulkResult, returns_bulk_assign, returns_bulk_change_status
from .catalog import (
    catalog_entry_create,
    catalog_entry_delete,
    catalog_entry_move,
    catalog_entry_update,
)
from .counts import return_counts_rebuild
from .history import history_record_email
from .lifecycle import (
    return_change,
    return_create,
    return_message_send,
    return_note_add,
    return_request,
)
from .photos import MAX_INSPECTION_PHOTOS, return_photos_add
from .receiving import return_receive
from .settings import return_settings_update
from .tallies import tallies_check, tallies_rebuild

__all__ = [
    "BULK_LIMIT",
    "MAX_INSPECTION_PHOTOS",
    "BulkResult",
    "Choice",
    "Receipt",
    "catalog_entry_create",
    "catalog_entry_delete",
    "catalog_entry_move",
    "catalog_entry_update",
    "history_record_email",
    "return_assign",
    "return_change",
    "return_counts_rebuild",
    "return_create",
    "return_message_send",
    "return_note_add",
    "return_photos_add",
    "return_receive",
    "return_request",
    "return_settings_update",
    "returns_bulk_assign",
    "returns_bulk_change_status",
    "tallies_check",
    "tallies_rebuild",
]
