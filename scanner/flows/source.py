"""Finding the flow-log files of a source (a local directory or ``s3://bucket/prefix``),
pruning them by the window from their paths alone, and bringing S3 objects to local disk.

DuckDB could read S3 itself only through its httpfs extension, which it downloads at run
time; these machines (and many CI runners) cannot, so objects are downloaded with boto3
under the scan's credentials into a temporary directory and read from there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scanner.errors import InputError
from scanner.flows.layout import LogFile, Window, classify

DOWNLOAD_THREADS = 4


@dataclass(frozen=True)
class Selection:
    """The files a window reads, and how many the path dates ruled out unopened."""

    files: tuple[LogFile, ...]
    pruned: int = 0  # dated files outside the window
    undated_skipped: int = 0  # files with no layout date, left out of a bounded window
    listed: int = 0
    notes: tuple[str, ...] = field(default=())


def is_s3(source: str) -> bool:
    return source.startswith("s3://")


def split_s3(url: str) -> tuple[str, str]:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise InputError(f"not an s3://bucket/prefix address: {url!r}")
    return bucket, prefix


def list_local(root: str | os.PathLike[str]) -> list[LogFile]:
    """Every flow-log file under a directory, in path order."""
    base = Path(root)
    if not base.is_dir():
        raise InputError("flow logs: no such directory", str(base))
    root = base.resolve()
    found = []
    for path in sorted(base.rglob("*")):
        if path.is_file():
            # rglob does not enter linked folders, but it lists linked files: one pointing
            # out of the source would be read (and DuckDB quotes its lines in errors).
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                raise InputError(
                    "flow logs: a symbolic link to a file outside the source directory",
                    str(path),
                )
            relative = path.relative_to(base).as_posix()
            listed = classify(relative, path.stat().st_size)
            if listed is not None:
                found.append(replace(listed, path=str(path)))
    return found


def list_s3(url: str, client: Any) -> list[LogFile]:
    """Every flow-log object under ``s3://bucket/prefix`` (keys as paths), in key order."""
    bucket, prefix = split_s3(url)
    found = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            listed = classify(entry["Key"], int(entry.get("Size", 0)))
            if listed is not None:
                found.append(listed)
    return sorted(found, key=lambda f: f.path)


def select(files: Iterable[LogFile], window: Window) -> Selection:
    """The files whose path date can hold records of the window (none is opened)."""
    chosen: list[LogFile] = []
    pruned = undated = listed = 0
    for file in files:
        listed += 1
        if window.admits(file):
            chosen.append(file)
        elif file.day is None:
            undated += 1
        else:
            pruned += 1
    notes: tuple[str, ...] = ()
    if undated:
        notes = (
            f"{undated} file(s) outside the AWS and Hive layouts have no date in their path "
            "and were not read for a bounded window",
        )
    return Selection(tuple(chosen), pruned, undated, listed, notes)


def download(
    url: str,
    files: Iterable[LogFile],
    client: Any,
    dest: Path,
    on_file: Callable[[LogFile], None] | None = None,
) -> list[LogFile]:
    """Each S3 object to ``dest`` under its key (a few at a time); the files, now local."""
    bucket, _prefix = split_s3(url)
    wanted = list(files)
    # A key is attacker-influenced text: it must stay under dest, and be the only key stored
    # at its local path (`a//b.log.gz` and `a/b.log.gz` are one file there: read twice).
    targets: dict[Path, str] = {}
    for file in wanted:
        where = f"s3://{bucket}/{file.path}"
        if ".." in Path(file.path).parts:
            raise InputError("refusing an S3 key with '..' in it", where)
        target = dest / file.path.lstrip("/")
        if target in targets:
            raise InputError(f"the same local file as s3://{bucket}/{targets[target]}", where)
        targets[target] = file.path

    def fetch(file: LogFile) -> LogFile:
        target = dest / file.path.lstrip("/")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, file.path, str(target))
        except OSError as exc:  # a name too long here, a key that is also a "folder"
            raise InputError(
                f"cannot store the object locally: {exc.strerror}", f"s3://{bucket}/{file.path}"
            ) from None
        local = replace(file, path=str(target))
        if on_file is not None:
            on_file(local)
        return local

    with ThreadPoolExecutor(max_workers=DOWNLOAD_THREADS) as pool:
        return list(pool.map(fetch, wanted))


@contextmanager
def aws_errors(what: str) -> Iterator[None]:
    """AWS refusing (no such bucket or workgroup, access denied, no credentials, no endpoint)
    is bad input for the command (exit 2), named by what was being done."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise InputError(
            f"{what}: {error.get('Code', 'error')}: {error.get('Message', exc)}"
        ) from None
    except BotoCoreError as exc:
        raise InputError(f"{what}: {exc}") from None


def s3_client(profile: str | None = None, endpoint_url: str | None = None) -> Any:
    """An S3 client under the scan's credentials (profile, environment, endpoint)."""
    import boto3

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return session.client("s3", endpoint_url=endpoint_url)
