"""A fake Stripe API on loopback: the endpoints Outcome Pulse calls, answering Stripe-shaped
objects, for the real ``stripe`` library (pointed here with ``STRIPE_API_BASE``).

It keeps customers, Checkout Sessions, portal sessions, subscriptions and invoices in memory and
records every request. Tests move subscriptions through their states (``complete_checkout``,
``set_status``) and sign webhooks with Stripe's own scheme (``signed``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_test{next(_ids):06d}"


def unflatten(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for part, following in itertools.pairwise(parts):
            child_is_list = following.isdigit()
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append([] if child_is_list else {})
                node = node[index]
            else:
                node = node.setdefault(part, [] if child_is_list else {})
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            while len(node) <= index:
                node.append(None)
            node[index] = value
        else:
            node[last] = value
    return root


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send: ``t=...,v1=hmac_sha256(t.payload)``."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


class FakeStripe:
    def __init__(self) -> None:
        self.customers: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.portal_sessions: list[dict[str, Any]] = []
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.invoices: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what tests do to Stripe's side ---------------------------------------------------

    def complete_checkout(self, session_id: str, status: str = "active") -> dict[str, Any]:
        """The customer paid (or not) on the Checkout page: a subscription exists."""
        session = self.sessions[session_id]
        line = session["line_items"][0]
        subscription = {
            "id": _id("sub"),
            "object": "subscription",
            "customer": session["customer"],
            "status": status,
            "metadata": dict(session.get("subscription_data", {}).get("metadata", {})),
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": _id("si"),
                        "object": "subscription_item",
                        "price": {"id": line["price"], "object": "price"},
                        "quantity": int(line.get("quantity", 1)),
                    }
                ],
                "has_more": False,
                "url": "/v1/subscription_items",
            },
            "trial_end": None,
            "canceled_at": None,
            "ended_at": None,
            "created": int(time.time()),
        }
        with self.lock:
            self.subscriptions[subscription["id"]] = subscription
            session.update(status="complete", subscription=subscription["id"])
        self.add_invoice(subscription, "paid" if status == "active" else "open")
        return subscription

    def set_status(self, subscription_id: str, status: str) -> dict[str, Any]:
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            subscription["status"] = status
            if status == "canceled":
                subscription["canceled_at"] = subscription["ended_at"] = int(time.time())
            return subscription

    def set_price(self, subscription_id: str, price: str) -> None:
        with self.lock:
            self.subscriptions[subscription_id]["items"]["data"][0]["price"]["id"] = price

    def add_invoice(self, subscription: dict[str, Any], status: str) -> dict[str, Any]:
        invoice_id = _id("in")
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "customer": subscription["customer"],
            "subscription": subscription["id"],
            "number": f"OP-{len(self.invoices) + 1:04d}",
            "status": status,
            "total": 700 * subscription["items"]["data"][0]["quantity"],
            "currency": "usd",
            "created": int(time.time()),
            "hosted_invoice_url": f"https://invoice.stripe.test/i/{invoice_id}",
            "invoice_pdf": f"https://pay.stripe.test/invoice/{invoice_id}/pdf",
        }
        with self.lock:
            self.invoices.insert(0, invoice)
        return invoice

    def event(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": _id("evt"),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2025-10-29.clover",
            "data": {"object": obj},
        }

    # -- the HTTP side --------------------------------------------------------------------

    def _answer(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        self.requests.append((method, path, params))
        with self.lock:
            if method == "POST" and path == "/v1/customers":
                customer = {"id": _id("cus"), "object": "customer", **params}
                self.customers[customer["id"]] = customer
                return 200, customer
            if method == "POST" and path == "/v1/checkout/sessions":
                if params.get("customer") not in self.customers:
                    return _error(400, "No such customer")
                session_id = _id("cs")
                session = {
                    "id": session_id,
                    "object": "checkout.session",
                    "url": f"{self.url}/checkout/{session_id}",
                    "status": "open",
                    "subscription": None,
                    **params,
                }
                self.sessions[session_id] = session
                return 200, session
            if method == "POST" and path == "/v1/billing_portal/sessions":
                portal = {
                    "id": _id("bps"),
                    "object": "billing_portal.session",
                    "url": f"{self.url}/portal/{params.get('customer')}",
                    **params,
                }
                self.portal_sessions.append(portal)
                return 200, portal
            if method == "GET" and path == "/v1/subscriptions":
                return 200, self._page(list(self.subscriptions.values()), params, path)
            found = re.fullmatch(r"/v1/subscriptions/(\w+)", path)
            if found:
                subscription = self.subscriptions.get(found.group(1))
                if subscription is None:
                    return _error(404, "No such subscription")
                if method == "POST":
                    for change in params.get("items", []):
                        for item in subscription["items"]["data"]:
                            if item["id"] == change.get("id") and "quantity" in change:
                                item["quantity"] = int(change["quantity"])
                    subscription["last_proration_behavior"] = params.get("proration_behavior")
                return 200, subscription
            if method == "GET" and path == "/v1/invoices":
                mine = [i for i in self.invoices if i["customer"] == params.get("customer")]
                return 200, self._page(mine, params, path)
        return _error(404, f"Unrecognized request URL ({method}: {path})")

    @staticmethod
    def _page(items: list[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
        limit = int(params.get("limit", 10))
        after = params.get("starting_after")
        if after:
            ids = [item["id"] for item in items]
            items = items[ids.index(after) + 1 :] if after in ids else []
        return {"object": "list", "data": items[:limit], "has_more": len(items) > limit, "url": url}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                if method == "GET" and parts.path.startswith(("/checkout/", "/portal/")):
                    self._page_for_people(parts.path)
                    return
                pairs = parse_qsl(parts.query, keep_blank_values=True)
                pairs += parse_qsl(body, keep_blank_values=True)
                if not self.headers.get("Authorization", "").startswith("Bearer sk_test_"):
                    status, payload = _error(401, "Invalid API Key provided")
                else:
                    status, payload = fake._answer(method, parts.path, unflatten(pairs))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", _id("req"))
                self.end_headers()
                self.wfile.write(data)

            def _page_for_people(self, path: str) -> None:
                """Stripe's hosted Checkout or portal page, as far as a browser test needs."""
                title = "Stripe Checkout (test)" if "checkout" in path else "Stripe portal (test)"
                html = (
                    f'<!doctype html><html lang="en"><head><title>{title}</title></head>'
                    f"<body><main><h1>{title}</h1><p>{path}</p></main></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(html)))
                self.end_headers()
                self.wfile.write(html)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def _error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    kind = "authentication_error" if status == 401 else "invalid_request_error"
    return status, {"error": {"type": kind, "message": message}}
