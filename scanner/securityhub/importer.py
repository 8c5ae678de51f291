"""BatchImportFindings (the edge): every batch in its findings' own account and region,
through a client the caller provides (the scan's session for that account). A failed batch
or finding is a result, never an exception."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.securityhub.asff import MAX_BATCH, batches
from scanner.textsafe import one_line

ClientFor = Callable[[str, str], Any]  # (account, region) -> securityhub client


@dataclass(frozen=True)
class ImportFailure:
    account: str
    region: str
    count: int
    reason: str


@dataclass(frozen=True)
class ImportResult:
    imported: int
    calls: int
    failures: tuple[ImportFailure, ...]

    @property
    def failed(self) -> int:
        return sum(f.count for f in self.failures)


def import_findings(
    items: Iterable[Mapping[str, Any]], client_for: ClientFor, size: int = MAX_BATCH
) -> ImportResult:
    """Import ``items`` (ASFF) in batches of at most ``size``."""
    from botocore.exceptions import BotoCoreError, ClientError

    imported = calls = 0
    failures: list[ImportFailure] = []
    for account, region, batch in batches(items, size):
        try:
            client = client_for(account, region)
            calls += 1
            response = client.batch_import_findings(Findings=list(batch))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            reason = f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}"
            failures.append(ImportFailure(account, region, len(batch), one_line(reason, 300)))
            continue
        except (BotoCoreError, KeyError) as exc:  # KeyError: no session for that account
            failures.append(ImportFailure(account, region, len(batch), one_line(str(exc), 300)))
            continue
        imported += int(response.get("SuccessCount", 0))
        failed = response.get("FailedFindings") or []
        if failed or response.get("FailedCount"):
            first = failed[0] if failed else {}
            reason = f"{first.get('ErrorCode', '?')}: {first.get('ErrorMessage', '')}"
            count = int(response.get("FailedCount") or len(failed))
            failures.append(ImportFailure(account, region, count, one_line(reason, 300)))
    return ImportResult(imported, calls, tuple(failures))
