"""gunicorn's settings for the web service (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Sync workers: the views are short and the database is the limit. Everything can be set from the
environment (the systemd unit's EnvironmentFile) without editing this file.
"""

import multiprocessing
import os

wsgi_app = "backoffice.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Restart workers now and then: a leak, if any, never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The TLS proxy in front is the only client; it sets X-Forwarded-Proto (docs/deploy.md).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
