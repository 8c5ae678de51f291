"""The machine and the versions a benchmark ran with."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("netwarden", "c7n", "moto", "boto3", "botocore", "PyYAML")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def code_digest() -> str:
    """A digest of the product code as it is on disk (``scanner/``, ``policies/``): on a
    shared checkout, a run whose digest differs at the end measured two versions."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*REPO.glob("scanner/**/*.py"), *REPO.glob("policies/*.yml")]):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def compile_bytecode() -> bool:
    """Write the bytecode of ``scanner/`` before anything is timed, as installing a wheel does
    (pip compiles every module it installs); returns whether everything compiled.

    Why: an editable install (``make install``) leaves netwarden as bare sources, and with
    ``PYTHONDONTWRITEBYTECODE`` set (as on the machines the benchmark runs on) no process
    ever writes their bytecode, so every timed ``netwarden`` process compiled its ~200
    modules from source again: ~0.3 s of CPU per scan that no installed netwarden pays.
    Reading existing bytecode is unaffected by that variable; a source edited later is
    recompiled on import (its timestamp no longer matches), so this cannot run stale code.
    The tools' other packages (Custodian, botocore) were compiled when pip installed them."""
    import compileall

    return bool(compileall.compile_dir(REPO / "scanner", quiet=1))


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> dict[str, Any]:
    """Everything a reader needs to reproduce (or discount) the numbers."""
    return {
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in PACKAGES},
        "commit": git_commit(),
        "code_digest": code_digest(),
        "load_average_start": list(os.getloadavg()),
        "dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
    }
