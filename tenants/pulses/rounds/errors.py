"""The one error of launching a round (its questions, audience or program)."""

from __future__ import annotations


class LaunchError(ValueError):
    """A round cannot be launched; the message is for the user, ``code`` for the API."""

    def __init__(self, message: str, code: str = "cannot_launch") -> None:
        super().__init__(message)
        self.code = code
