"""Internet exposure: what the internet can reach, on which port, by which path.

``analyse(snapshot) -> ExposureReport`` is pure (no AWS call, no file): the records are in
:mod:`scanner.exposure.model`, the semantics in :mod:`scanner.exposure.engine`.
"""

from scanner.exposure.engine import EPHEMERAL, INTERNET, analyse, analyse_region
from scanner.exposure.model import Attachment, Blocked, Exposure, ExposureReport, Step

__all__ = [
    "EPHEMERAL",
    "INTERNET",
    "Attachment",
    "Blocked",
    "Exposure",
    "ExposureReport",
    "Step",
    "analyse",
    "analyse_region",
]
