"""
Who sent a report, as far as the rate limit needs to know and no further.

The address is read as django-axes reads it for the login limit, so both limits agree on
who a client is. It is never stored: only a keyed digest (HMAC with the site's secret key)
of the sender's network, an IPv4 address or an IPv6 /64, the block one household or phone
is given (limiting a single IPv6 address would let one sender take 2**64 turns).
"""

import ipaddress

from axes.helpers import get_client_ip_address
from django.utils.crypto import salted_hmac

SALT = "corrections.addresses"
IPV6_NETWORK_BITS = 64


def sender_network(address):
    """The network a report is counted against: "192.0.2.7", "2001:db8:1:2::/64", or ""."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_NETWORK_BITS}", strict=False))
    return str(ip)


def sender_digest(request):
    """
    The stored form of the request's sender. A request whose address cannot be read is
    counted with every other such request rather than let through uncounted.
    """
    network = sender_network(get_client_ip_address(request))
    return salted_hmac(SALT, network, algorithm="sha256").hexdigest()
