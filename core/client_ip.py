"""The client's address, for login throttling (django-axes) and the export's rate limit.

``REMOTE_ADDR``, unless the request comes from one of ``settings.TRUSTED_PROXIES`` (addresses
or networks): only then is ``X-Forwarded-For`` read, from the right, past the proxies' own
entries. A client that reaches the application directly cannot choose its address.
"""

import ipaddress

from django.conf import settings


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted_proxy(address, proxies) -> bool:
    for proxy in proxies:
        try:
            if address in ipaddress.ip_network(proxy.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, unless that is one of ``TRUSTED_PROXIES``; then the
    right-most X-Forwarded-For entry that is not a trusted proxy itself (REMOTE_ADDR if the
    header has none, or if the entry is not an address)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    address = _ip(remote)
    if not proxies or address is None or not _is_trusted_proxy(address, proxies):
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([entry for entry in header.split(",") if entry.strip()]):
        hop = _ip(entry)
        if hop is None:
            return str(address)
        address = hop
        if not _is_trusted_proxy(hop, proxies):
            return str(hop)
    return str(address)
