"""The tests' factories: real objects built through the real services (or, for the isolation
shape, straight from the models), one module per thing built.

The common ones are re-exported here: ``from tests.factories import make_tenant, login``.
"""

from tests.factories.accounts import PASSWORD, fast_hash, login, make_tenant, make_user
from tests.factories.mail import Outbox, html_of, link_in, text_of

__all__ = [
    "PASSWORD",
    "Outbox",
    "fast_hash",
    "html_of",
    "link_in",
    "login",
    "make_tenant",
    "make_user",
    "text_of",
]
