"""The job consumer's entry point: ``huey_consumer tasks.consumer.huey -k thread -w 4``.

Loads every task (the tasks package) and gives the queue the app factory, so a job run by
the consumer gets an app context and a database connection. The web process never imports
this module: its jobs run inside the app it already has (or in the consumer).
"""
from app import create_app
from tasks import huey
from tasks.queue import use_app_factory

use_app_factory(create_app)

__all__ = ["huey"]
