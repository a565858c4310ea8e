"""Bench-only settings (bench/intake.py): the product's, with one lever changed at a time.

BENCH_Q_CLUSTER and BENCH_DATABASE hold JSON laid over Q_CLUSTER and DATABASES["default"]
(its OPTIONS merged key by key). Unset, these are exactly the product's settings.
"""

import json
import os

from backoffice.settings import *  # noqa: F403
from backoffice.settings import DATABASES, Q_CLUSTER

Q_CLUSTER.update(json.loads(os.environ.get("BENCH_Q_CLUSTER") or "{}"))
Q_CLUSTER["retry"] = Q_CLUSTER["timeout"] + Q_CLUSTER["lease"]
_database = json.loads(os.environ.get("BENCH_DATABASE") or "{}")
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    **_database.pop("OPTIONS", {}),
}
DATABASES["default"].update(_database)
