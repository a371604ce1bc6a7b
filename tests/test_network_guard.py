"""Tests never reach the network: the guard in conftest refuses outside addresses."""

from __future__ import annotations

import socket

import pytest


def test_connecting_beyond_this_machine_fails():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        with pytest.raises(RuntimeError, match="must not reach the network"):
            sock.connect(("192.0.2.1", 80))
        with pytest.raises(RuntimeError, match="must not reach the network"):
            sock.connect_ex(("example.org", 443))


def test_loopback_stays_allowed():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(server.getsockname())
