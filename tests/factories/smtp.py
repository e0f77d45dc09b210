"""A real SMTP server on loopback (aiosmtpd) that records what it receives, and can refuse
chosen recipients with a reply code."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """The server's handler: accepts everything except the addresses given a reply code in
    ``codes`` (for example ``"550 No such user"`` or ``"451 Try later"``)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.codes: dict[str, str] = {}
        self.delay = 0.0
        self.lock = threading.Lock()
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.codes.get(address.lower())
        if code:
            return code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, envelope.content))
        return "250 Message accepted for delivery"

    def messages(self, address: str | None = None) -> list[EmailMessage]:
        """What arrived (for ``address`` only, if given), parsed, in order of arrival."""
        with self.lock:
            items = list(self.received)
        return [
            email.message_from_bytes(data, policy=policy.default)  # type: ignore[misc]
            for rcpt, data in items
            if address is None or rcpt == address
        ]

    def count_by_recipient(self) -> dict[str, int]:
        with self.lock:
            counts: dict[str, int] = {}
            for rcpt, _data in self.received:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts


class SmtpServer:
    """``with SmtpServer() as server:`` a sink listening on ``server.port`` for the block."""

    def __init__(self) -> None:
        self.sink = SmtpSink()
        self.port = self.sink.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.sink.messages()
