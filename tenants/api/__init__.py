"""The /api/v1 blueprint: keys, JSON errors, the OpenAPI document. Areas add endpoints."""
