"""The pinned transport: each host resolved once, every address checked, the checked one used."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import pytest

from tianping.probes import (
    AddressPolicy,
    AddressRefused,
    ChatClient,
    ClientSettings,
    Message,
    Reply,
)

from .chat_server import ChatServer


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "224.0.0.1",
        "240.0.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:8.8.8.8",
        "::ffff:127.0.0.1",
    ],
)
def test_non_public_addresses_are_refused_unless_allowed(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not AddressPolicy().allows(ip)
    network = "::/0" if ip.version == 6 and ip.ipv4_mapped is None else "0.0.0.0/0"
    assert AddressPolicy.from_entries([network]).allows(ip)


def test_public_addresses_are_allowed() -> None:
    assert AddressPolicy().allows(ipaddress.ip_address("93.184.216.34"))
    assert AddressPolicy().allows(ipaddress.ip_address("2606:2800:220:1::1"))


def _ask(settings: ClientSettings) -> Reply:
    async def go() -> Reply:
        async with ChatClient(settings) as client:
            return await client.complete((Message("user", "Hello"),), 0)

    return asyncio.run(go())


def test_the_client_connects_to_the_checked_address_under_the_original_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter(["127.0.0.1", "10.9.9.9"])
    calls: list[str] = []
    real = socket.getaddrinfo

    def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "chat.test":
            return real(host, port, *args, **kwargs)
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with ChatServer("compliant") as server:
        port = server.url.split(":")[2].split("/")[0]
        url = f"http://chat.test:{port}/v1"
        policy = AddressPolicy.from_entries(["127.0.0.0/8"])
        settings = ClientSettings(url, "m", address_policy=policy, concurrency=4)

        async def three() -> list[Reply]:
            async with ChatClient(settings) as client:
                return [
                    await client.complete((Message("user", f"Hello {n}"),), 0) for n in range(3)
                ]

        replies = asyncio.run(three())
        assert all(r.ok for r in replies)
        assert calls == ["chat.test"]  # resolved once, not again per connection
        assert server.hosts == {f"chat.test:{port}"}
        # Without the allowance the same name is refused before anything is sent.
        with pytest.raises(AddressRefused, match=r"chat\.test"):
            _ask(ClientSettings(url, "m", address_policy=AddressPolicy()))
        assert server.requests == 3
