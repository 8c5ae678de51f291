"""One botocore data loader for the whole process.

A loader parses each service model (EC2's is several megabytes of JSON) once and caches it;
every botocore session otherwise builds its own loader and parses the models again. The
collector's sessions and the offline policy sessions share this one, so a scan reads each
model once. It is built from the environment's settings (``AWS_DATA_PATH``, the config
file's ``data_path`` of the default profile).
"""

from __future__ import annotations

import threading
from typing import Any

import botocore.session

_lock = threading.Lock()
_loader: list[Any] = []


def shared_loader() -> Any:
    with _lock:
        if not _loader:
            _loader.append(botocore.session.get_session().get_component("data_loader"))
        return _loader[0]


def use_shared_loader(session: Any) -> None:
    """Make a boto3 or botocore session read service models through the shared loader."""
    core = getattr(session, "_session", session)
    core.register_component("data_loader", shared_loader())
