"""Domain events: what happened, told to whoever listens, inside the transaction that did it.

The apps that change things (returns, orders) publish a named event with the object it is
about from their services, in their transaction, after the change is written. Apps built
on top of them (webhooks) subscribe in their AppConfig.ready(). Publishers know no
subscriber, and core knows neither.

A subscriber runs in the publisher's transaction: what it writes commits or rolls back
with the change, and an exception it raises fails the change (as an error in the service
itself would). Anything that leaves the machine must wait for `transaction.on_commit`.
"""

from collections.abc import Callable

Subscriber = Callable[..., None]

_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, subscriber: Subscriber) -> None:
    """`subscriber(event, obj, **data)` is called for every published event; `name` keeps
    a module imported twice from subscribing twice."""
    _subscribers[name] = subscriber


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)


def publish(event: str, obj, **data) -> None:
    """Tell every subscriber that `event` ("return.created") happened to `obj`."""
    for subscriber in list(_subscribers.values()):
        subscriber(event, obj, **data)
