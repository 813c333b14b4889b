"""Connecting only to checked addresses: the endpoint's host resolved once, every address checked.

A URL checked when it is saved may resolve elsewhere when the client connects
(DNS rebinding). :class:`PinnedTransport` resolves each host once, refuses it
when any of its addresses is not public (private, loopback, link-local,
multicast, reserved, unspecified, or an IPv4-mapped IPv6 address) unless an
:class:`AddressPolicy` allows it, and then connects to the checked address: the
``Host`` header, the TLS server name and the certificate check stay on the
original name. Used by the platform; the command line connects as usual.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType

import httpx

from tianping.probes import _errors as msg
from tianping.probes._errors import EndpointError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(EndpointError):
    """The endpoint's host resolves to an address the policy does not allow."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses may be reached: public ones, plus the allowed host names and networks."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = field(default=())

    @classmethod
    def from_entries(cls, entries: Iterable[object]) -> AddressPolicy:
        """A policy from allow-list entries: host names, addresses or networks (CIDR)."""
        names: set[str] = set()
        networks: list[Network] = []
        for entry in entries:
            text = str(entry).strip().lower()
            if not text:
                continue
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                names.add(text.rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def allows_name(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.names

    def allows(self, address: Address) -> bool:
        """Whether ``address`` may be connected to."""
        if any(address in network for network in self.networks):
            return True
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            mapped = address.ipv4_mapped
            return any(mapped in network for network in self.networks)
        return (
            address.is_global
            and not address.is_multicast
            and not address.is_reserved
            and not address.is_unspecified
        )


def parse_address(text: str) -> Address:
    """An address from ``getaddrinfo`` (an IPv6 zone such as ``%eth0`` dropped)."""
    return ipaddress.ip_address(text.split("%", 1)[0])


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (an ``OSError`` when it does not resolve)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [parse_address(str(info[4][0])) for info in infos]


def _refused(host: str) -> AddressRefused:
    return AddressRefused(msg.ERR_ADDRESS_REFUSED, hint=msg.HINT_ADDRESS, params={"host": host})


class Pins:
    """The checked address of each host, resolved once and shared by a client's transports."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._pins: dict[tuple[str, int], str | EndpointError | None] = {}
        self._lock = asyncio.Lock()

    async def pin(self, host: str, port: int) -> str | None:
        """The address to connect to (``None``: an allowed name, connected as usual).

        Each host is resolved and checked once; a refusal is kept and raised again.
        """
        key = (host, port)
        if key not in self._pins:
            async with self._lock:
                if key not in self._pins:
                    try:
                        self._pins[key] = await self._check(host, port)
                    except EndpointError as exc:
                        self._pins[key] = exc
        pinned = self._pins[key]
        if isinstance(pinned, EndpointError):
            raise pinned
        return pinned

    async def _check(self, host: str, port: int) -> str | None:
        if self.policy.allows_name(host):
            return None
        try:
            addresses = [parse_address(host)]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                addresses = await loop.run_in_executor(None, resolve, host, port)
            except (OSError, UnicodeError, ValueError) as exc:
                raise EndpointError(
                    msg.ERR_ADDRESS_UNRESOLVED, hint=msg.HINT_ADDRESS, params={"host": host}
                ) from exc
        if not addresses or not all(self.policy.allows(a) for a in addresses):
            raise _refused(host)
        return str(addresses[0])


class PinnedTransport(httpx.AsyncBaseTransport):
    """An HTTP transport that connects only to addresses the policy allows, resolved once."""

    def __init__(
        self,
        policy: AddressPolicy | Pins,
        *,
        limits: httpx.Limits | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.pins = policy if isinstance(policy, Pins) else Pins(policy)
        self._inner = httpx.AsyncHTTPTransport(
            verify=verify, limits=limits or httpx.Limits(), trust_env=False, retries=0
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        pinned = await self.pins.pin(host, port)
        if pinned is not None and pinned != host:
            # The Host header was set from the original URL; TLS names and checks it too.
            request.url = request.url.copy_with(host=pinned)
            request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self._inner.__aexit__(exc_type, exc_value, traceback)

    async def aclose(self) -> None:
        await self._inner.aclose()


__all__ = [
    "AddressPolicy",
    "AddressRefused",
    "PinnedTransport",
    "Pins",
    "parse_address",
    "resolve",
]
