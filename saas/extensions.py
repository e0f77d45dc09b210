"""Extensions, created unbound and bound in the app factory."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from saas import ratelimit_store  # noqa: F401 - registers the opsqlite:// limits store
from saas.db import Base

# create_savepoint: a session bound to a connection inside a transaction (the tests' per-test
# rollback) turns commit() into a savepoint release; with an engine it changes nothing.
db = SQLAlchemy(model_class=Base, session_options={"join_transaction_mode": "create_savepoint"})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
