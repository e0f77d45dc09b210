"""The worker's entry point: ``huey_consumer saas.worker.huey``.

Creating the app imports every area, and with them every task, so the consumer knows them all.
"""

from saas.tasks import huey, worker_app

worker_app()

__all__ = ["huey"]
