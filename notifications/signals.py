"""What other apps can listen to. notifications knows nothing about them.

email_state_changed
    Sent with sender=OutgoingEmail every time an outgoing e-mail changes state, inside the
    database transaction that writes the change, with keyword arguments:

    - email: the OutgoingEmail, already saved in its new state (use `email.reference`
      to find what it is about, e.g. "return:123")
    - state: "queued" (queued by `email_queue`, or again by an admin's Resend), "sent",
      "retrying" (a temporary failure; another attempt is scheduled) or "failed"
      (a permanent failure, or the retries are used up)
    - error: the error for "retrying" and "failed", else ""
    - attempt: the number of delivery attempts made so far (0 when first queued)

    The in-flight step between queued and the outcome ("sending") is internal and sends
    nothing. Where a receiver's exception goes depends on who changes the state:
    "queued" is sent in the caller's transaction (the request that queues or resends), so an
    exception there rolls that change back like any other error in it. The worker's
    "sent"/"retrying"/"failed" run the receivers in a savepoint and log their exceptions,
    because a lost "sent" would make the e-mail go out twice.
"""

from django.dispatch import Signal

email_state_changed = Signal()
