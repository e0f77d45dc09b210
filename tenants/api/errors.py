"""``ApiError``: what an API view raises to answer with the shell's JSON error body
(``saas.errors.json_error``) and the right status."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
