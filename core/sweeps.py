"""Sweepers: work `manage.py outbox_sweep` does besides the e-mail outbox's own sweep.

An app with an outbox of its own (webhooks) registers a function here in its
AppConfig.ready(); the command runs each one under the same cluster lock, so the command's
app (notifications) knows no other app.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_sweepers: dict[str, Callable[[], object]] = {}


def register_sweeper(name: str, sweep: Callable[[], object]) -> None:
    _sweepers[name] = sweep


def run_sweepers() -> dict[str, object]:
    """Run every registered sweeper; one that fails is logged and does not stop the others."""
    results = {}
    for name, sweep in list(_sweepers.items()):
        try:
            results[name] = sweep()
        except Exception:
            logger.exception("The %s sweep failed; the next round tries again.", name)
    return results
