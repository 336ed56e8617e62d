"""Outbound requests that cannot reach the machine's own network unless allowed.

A public feed may link to ``http://127.0.0.1/…``, ``http://10.0.0.5/…`` or the cloud metadata
address 169.254.169.254, directly or through a redirect, and whatever such a page answers would
be stored and published. `GuardedTransport` is an httpx transport that, for every request
(httpx calls it once per redirect hop, so every hop is checked), resolves the host itself,
refuses when any address is not a public one, and then connects to the address it checked
(the URL is rewritten to that IP; the Host header and the TLS server name stay the host's
name, so virtual hosts and certificates still work). Resolving once and connecting to what was
resolved is what stops DNS rebinding: a second lookup could answer another address.

No well-kept library does this for httpx (``advocate`` is for requests and unmaintained), and
the transport is small: one lookup, one check, one rewrite.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# "host:port" pairs to treat as public: for tests only, whose servers can only be on 127.0.0.1
# (a "public" feed server beside a "private" page server). Empty in use.
TREATED_AS_PUBLIC: set[str] = set()


class RefusedAddress(httpx.TransportError):
    """The host resolves to an address outside the public internet (the message says which)."""


def why_private(address: IPAddress) -> str | None:
    """What kind of non-public address this is, or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for kind, test in (("loopback", address.is_loopback), ("link-local", address.is_link_local),
                       ("multicast", address.is_multicast), ("unspecified", address.is_unspecified),
                       ("private", address.is_private)):
        if test:
            return kind
    # shared (100.64/10), reserved and documentation ranges: not reachable from outside either
    return None if address.is_global else "non-public"


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal is itself); RefusedAddress when none."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
    # an IPv6 answer may carry a zone ("fe80::1%eth0"): the scope is not part of the address
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


def check_host(host: str, port: int = 443) -> IPAddress:
    """The first address of `host` when every one is public; RefusedAddress naming the one
    that is not (any private answer refuses: the client could pick it)."""
    addresses = resolve(host, port)
    if f"{host}:{port}" in TREATED_AS_PUBLIC:
        return addresses[0]
    for address in addresses:
        kind = why_private(address)
        if kind:
            raise RefusedAddress(f"refused: {host} is {address}, a {kind} address "
                                 "(allow private addresses to fetch it)")
    return addresses[0]


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport that connects only to checked public addresses (module docstring)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        address = check_host(url.host, url.port or (443 if url.scheme == "https" else 80))
        if str(address) == url.host:
            return super().handle_request(request)
        # a copy to the checked IP: the client keeps the original (redirects join its URL)
        headers = httpx.Headers(request.headers)
        headers["Host"] = request.headers.get("Host") or _host_header(url)
        pinned = httpx.Request(request.method, url.copy_with(host=str(address)), headers=headers,
                               stream=request.stream,
                               extensions={**request.extensions, "sni_hostname": url.host})
        return super().handle_request(pinned)


def _host_header(url: httpx.URL) -> str:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.host if url.port in (None, default) else f"{url.host}:{url.port}"


def client(*, allow_private: bool = False, **options) -> httpx.Client:
    """An httpx client; unless `allow_private`, one whose every request goes through the guard."""
    if allow_private:
        return httpx.Client(**options)
    return httpx.Client(transport=GuardedTransport(), **options)


def check_target(url: str | None, *, allow_private: bool = False) -> None:
    """ValueError when the webhook `url` resolves to a private address and that was not allowed:
    a zone's alerts would be POSTed into the machine's own network (asked at `zones add`)."""
    if url is None or allow_private:
        return
    host = httpx.URL(url).host
    try:
        check_host(host)
    except RefusedAddress as exc:
        raise ValueError(f"webhook_url: webhook {exc}") from exc
    except httpx.ConnectError:  # a name that does not resolve yet: its delivery fails until it does
        return


def email_literal(address: str) -> IPAddress | None:
    """The IP of an e-mail address written to one (``user@[10.0.0.5]``), else None: the relay
    delivers such a message to that address itself, no MX record asked."""
    domain = address.rpartition("@")[2]
    if not (domain.startswith("[") and domain.endswith("]")):
        return None
    try:
        return ipaddress.ip_address(domain[1:-1].removeprefix("IPv6:"))
    except ValueError:
        return None


def check_email(address: str | None, *, allow_private: bool = False) -> None:
    """ValueError when the e-mail `address` is written to a private IP and that was not allowed.
    A domain name is the relay's to resolve (its MX records): not checked here."""
    literal = email_literal(address) if address and not allow_private else None
    kind = why_private(literal) if literal else None
    if kind:
        raise ValueError(f"email: refused: {literal} is a {kind} address (allow private addresses "
                         "to send there)")
