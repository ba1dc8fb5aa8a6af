"""Outbound HTTP: one deadline per request, public addresses only (after DNS, at every redirect), bounded reads."""

from __future__ import annotations

import itertools

import pytest

from syndicate.adapters.http import (
    MAX_RESPONSE_BYTES,
    DeadlineExceeded,
    HttpImageProbe,
    OutboundHttp,
    OutboundRefused,
    WebSubPinger,
    is_public_address,
)
from tests.support.http_servers import PUBLIC_STAND_IN, Drip, huge, image, redirect_to, serving


def stand_in_is_public(address: str) -> bool:
    """The policy, except that the test servers' 127.0.0.2 stands for a public host."""
    return address == PUBLIC_STAND_IN or is_public_address(address)


def client(**options) -> OutboundHttp:
    options.setdefault("allow", stand_in_is_public)
    return OutboundHttp(**options)


# -- the address policy, on resolved addresses --------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback (the Lambda runtime API is 127.0.0.1:9001)
        "127.255.255.254",
        "::1",
        "10.0.0.1",  # private
        "172.16.5.4",
        "192.168.1.1",
        "fd12:3456::1",
        "169.254.169.254",  # link-local: EC2, ECS and GCP metadata
        "fe80::1%eth0",
        "fd00:ec2::254",  # EC2 metadata over IPv6
        "100.100.100.200",  # Alibaba metadata, in the shared 100.64/10
        "100.64.0.1",
        "0.0.0.0",  # unspecified  # noqa: S104 - an address to refuse, nothing binds to it
        "::",
        "224.0.0.1",  # multicast
        "ff02::1",
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "198.18.0.1",  # benchmarking
        "192.0.2.10",  # documentation
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",
        "2002:a9fe:a9fe::1",  # 6to4 wrapping 169.254.169.254
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    ],
)
def test_a_non_public_address_is_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::5db8:d822"])
def test_a_public_address_is_allowed(address):
    assert is_public_address(address)


def test_a_host_with_any_private_address_is_refused_before_connecting():
    def resolver(host, port):
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(OutboundRefused):
        OutboundHttp(resolver=resolver).request("HEAD", "http://images.example/a.png", timeout=5)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://images.example/a.png", "http:///nohost"])
def test_only_http_urls_with_a_host_are_fetched(url):
    with pytest.raises(OutboundRefused):
        client().request("HEAD", url, timeout=5)


# -- on loopback servers ------------------------------------------------------------------------


def test_an_image_probe_reads_length_and_type():
    with serving(image) as server:
        assert HttpImageProbe(client()).describe(server.url("/a.png"), timeout=5) == (48213, "image/png")


def test_loopback_is_refused_as_the_policy_says():
    with serving(image, host="127.0.0.1") as server:
        with pytest.raises(OutboundRefused):
            HttpImageProbe(OutboundHttp()).describe(server.url("/a.png"), timeout=5)
        assert server.requests == []


def test_a_redirect_to_loopback_is_refused_and_never_followed():
    with serving(image, host="127.0.0.1") as inside, serving(redirect_to(inside.url("/secret"))) as outside:
        with pytest.raises(OutboundRefused):
            HttpImageProbe(client()).describe(outside.url("/a.png"), timeout=5)
        assert len(outside.requests) == 1
        assert inside.requests == []


def test_a_redirect_to_the_metadata_service_is_refused():
    metadata = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    with serving(redirect_to(metadata)) as outside, pytest.raises(OutboundRefused):
        HttpImageProbe(client()).describe(outside.url("/a.png"), timeout=5)


def test_redirects_end_after_a_few_hops():
    with serving(redirect_to("/again")) as loop, pytest.raises(OutboundRefused, match="redirects"):
        HttpImageProbe(client()).describe(loop.url("/a.png"), timeout=5)


def test_a_server_dripping_bytes_cannot_hold_a_request_past_its_deadline():
    drip = Drip()
    with serving(drip) as server, pytest.raises(DeadlineExceeded):
        HttpImageProbe(client(clock=drip.clock)).describe(server.url("/a.png"), timeout=30)

    assert drip.ticks <= 31  # one tick per read at most: the deadline, not the server, ended it
    assert drip.sent >= 1  # the server was still sending


def test_a_huge_answer_is_read_only_up_to_the_cap():
    ticks = itertools.count()
    with serving(huge) as server:
        response = client(clock=lambda: float(next(ticks)) / 1000).request("POST", server.url("/hub"), timeout=30)

    assert response.status == 200
    assert len(response.body) == MAX_RESPONSE_BYTES


def test_a_hub_that_answers_an_error_fails_the_ping():
    def refuse(connection, request):
        connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    with serving(refuse) as hub, pytest.raises(OSError, match="400"):
        WebSubPinger(client()).ping(hub.url("/"), "https://site.example/feeds/rss.xml", timeout=5)
    assert hub.requests[0].startswith(b"POST / HTTP/1.1\r\n")
    assert b"Content-Type: application/x-www-form-urlencoded" in hub.requests[0]
