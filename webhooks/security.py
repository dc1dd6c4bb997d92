"""Where a webhook may go: never to this machine, the private network or a cloud's
metadata service (SSRF), unless WEBHOOK_ALLOW_PRIVATE says this installation wants that.

The URL is checked when an endpoint is saved and again before every request, against the
addresses its name resolves to then (DNS can change between the two: "rebinding"). The
request then connects to the address that was checked, never resolving the name again.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from .exceptions import HostUnresolved, UnsafeWebhookUrl

# Beyond what ipaddress calls private, loopback, link-local, multicast, reserved or
# unspecified: carrier-grade NAT and the cloud metadata addresses, said out loud.
BLOCKED_NETWORKS = [
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "fd00::/8",
        "fd00:ec2::254/128",
    )
]


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the name as written (Host header, TLS SNI and certificate check)
    port: int
    path: str  # path and query
    address: str  # the checked IP address to connect to


def address_blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and friends are IPv4 addresses in disguise.
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return address_blocked(str(mapped))
        if ip.teredo:
            return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or any(ip in net for net in BLOCKED_NETWORKS if net.version == ip.version)
    )


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False))


def check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    allowed = {"https", "http"} if settings.DEBUG else {"https"}
    if scheme not in allowed:
        raise UnsafeWebhookUrl(_("A webhook URL must start with https://."))


def resolve(url: str) -> Target:
    """Check `url` and resolve its host: the Target to connect to, or UnsafeWebhookUrl
    (a scheme other than https, no host, a name that does not resolve, or an address that
    is loopback, private, link-local, metadata or reserved, unless allowed)."""
    check_scheme(url)
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise UnsafeWebhookUrl(_("The URL has no host name."))
    if parts.username or parts.password:
        raise UnsafeWebhookUrl(_("A webhook URL cannot contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UnsafeWebhookUrl(_("The URL's port is not valid.")) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise HostUnresolved(
            _("The host name %(host)s does not resolve.") % {"host": host}
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise HostUnresolved(_("The host name %(host)s does not resolve.") % {"host": host})
    if not allow_private():
        # Every address the name has must be public: otherwise a name with one public
        # and one private address would be a way in.
        blocked = [a for a in addresses if address_blocked(a)]
        if blocked:
            raise UnsafeWebhookUrl(
                _(
                    "%(host)s leads to %(address)s, an address on this machine or a private "
                    "network: webhooks are not sent there."
                )
                % {"host": host, "address": blocked[0]}
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme.lower(), host, port, path, addresses[0])
