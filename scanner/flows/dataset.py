"""One call from a source and a window to loaded records: list, prune, download, load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.flows.layout import Window
from scanner.flows.reader import DEFAULT_MEMORY_LIMIT, FlowStore, LoadStats
from scanner.flows.source import (
    Selection,
    aws_errors,
    download,
    is_s3,
    list_local,
    list_s3,
    s3_client,
    select,
)

# (phase, done, total): "download" per object, "load" per batch of files.
FlowProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FlowsOptions:
    """Where the flow logs are and which part of them to read."""

    source: str
    window: Window = field(default_factory=Window)
    profile: str | None = None
    endpoint_url: str | None = None
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int | None = None


@dataclass(frozen=True)
class OpenedFlows:
    store: FlowStore
    selection: Selection
    stats: LoadStats


def open_flows(options: FlowsOptions, on_progress: FlowProgress | None = None) -> OpenedFlows:
    """A loaded :class:`FlowStore` (the caller closes it) and what was selected."""
    if is_s3(options.source):
        with aws_errors(f"listing {options.source}"):
            client = s3_client(options.profile, options.endpoint_url)
            selection = select(list_s3(options.source, client), options.window)
    else:
        client = None
        selection = select(list_local(options.source), options.window)
    store = FlowStore(options.memory_limit, options.threads)
    try:
        files = list(selection.files)
        if client is not None:
            total, done = len(files), [0]

            def downloaded(_file: object) -> None:
                done[0] += 1
                if on_progress is not None:
                    on_progress("download", done[0], total)

            with aws_errors(f"downloading from {options.source}"):
                files = download(options.source, files, client, store.workdir / "s3", downloaded)

        def loaded(done: int, total: int) -> None:
            if on_progress is not None:
                on_progress("load", done, total)

        stats = store.load(files, options.window, loaded)
    except BaseException:
        store.close()
        raise
    return OpenedFlows(store, selection, stats)
