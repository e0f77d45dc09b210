"""Imports every model module so the metadata (and Alembic) sees every table."""

from saas import audit, health  # noqa: F401
from saas.auth import models as auth_models  # noqa: F401
from saas.importing import import_optional
from saas.tenancy import models as tenancy_models  # noqa: F401

for _module in (
    "tenants.api.models",
    "tenants.people.models",
    "tenants.surveys.models",
    "tenants.pulses.models",
    "tenants.scoring.models",
    "tenants.reports.models",
    "saas.billing.models",
):
    import_optional(_module)
