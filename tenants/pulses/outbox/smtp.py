"""Sending prebuilt message bytes over the reused SMTP connection of ``saas.mail.MailTransport``,
and the failures the dispatcher tells apart (bounce, rejected, connection trouble)."""

from __future__ import annotations

import re
import smtplib
import socket
import time
import uuid
from collections.abc import Callable

from saas.mail import MailTransport, PermanentFailure, TemporaryFailure


class Bounce(PermanentFailure):
    """The address does not exist or refuses mail (5xx to RCPT): suppress it."""


class Rejected(PermanentFailure):
    """The message (not the address) was refused, or cannot be sent: give up, do not suppress."""


class ConnectionTrouble(TemporaryFailure):
    """The mail server cannot be reached or refuses us: stop the batch and retry later."""


class RawTransport(MailTransport):
    """``MailTransport`` that sends prebuilt message bytes (see the module doc)."""

    _tuned: object = None

    def send_raw(
        self,
        sender: str,
        recipient: str,
        data: bytes,
        before_end: Callable[[], None] | None = None,
    ) -> None:
        """Send ``data`` (CRLF line ends) to ``recipient``.

        ``before_end`` runs once the body is with the server and before the end-of-data dot
        that makes the server accept it: the dispatcher commits the previous message's outcome
        there, in the time the server spends reading this body. If it raises, the connection is
        dropped, so this message is not delivered."""
        if self.uses_outbox:
            if before_end is not None:
                before_end()
            self.outbox.mkdir(parents=True, exist_ok=True)
            name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
            temporary = self.outbox / f".{name}.tmp"
            temporary.write_bytes(data)
            temporary.rename(self.outbox / name)
            return
        try:
            smtp = self._connect()
        except TemporaryFailure as exc:
            raise ConnectionTrouble(str(exc)) from exc
        try:
            if smtp is not self._tuned and smtp.sock is not None:
                # The body and its end-of-data dot go out separately: without this, Nagle's
                # algorithm holds the dot until the body is acknowledged (tens of ms each).
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._tuned = smtp
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                if 500 <= code < 600:  # our sender is refused: nobody's address is at fault
                    raise ConnectionTrouble(f"{code} sender refused")
                raise TemporaryFailure(_reply(code, reply))
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                if 500 <= code < 600:
                    raise Bounce(_reply(code, reply))
                raise TemporaryFailure(_reply(code, reply))
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                smtp.rset()
                if 500 <= code < 600:
                    raise Rejected(_reply(code, reply))
                raise TemporaryFailure(_reply(code, reply))
            body = _DOT_AT_LINE_START.sub(b"..", data)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            smtp.send(body)
            if before_end is not None:
                try:
                    before_end()
                except BaseException:
                    self._drop()  # the server never sees the dot: nothing is delivered
                    raise
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except (TemporaryFailure, PermanentFailure):
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TemporaryFailure(str(exc)[:250]) from exc
        if code == 250:
            return
        if 500 <= code < 600:
            raise Rejected(_reply(code, reply))
        raise TemporaryFailure(_reply(code, reply))


_DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}"[:250]
