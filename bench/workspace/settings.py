"""Bench-only settings: the product's settings plus two floor views (never in production)."""

from backoffice.settings import *  # noqa: F403

ROOT_URLCONF = "bench.workspace.urls"
