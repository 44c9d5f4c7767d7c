"""The review threshold: below it a document's type is not trusted and the document goes to
the inbox (NEEDS_REVIEW) instead of being filed.

The threshold is chosen on held-out data and shipped next to the model, in calibration.json,
written by `python -m samples.calibrate_review` (`make calibrate`; `make train` runs it after
training). The rule: the lowest confidence t, among the confidences observed on the calibration
set and not below settings.REVIEW_THRESHOLD (the floor), at which the documents with
confidence >= t have the right type in >= `targetPrecision` of the cases. The calibration set
is the held-out split of the generated corpus through the real OCR path plus hard variants of
the same held-out documents (heavily damaged text, partial pages, pages without their header);
see samples/calibrate_review.py.

Without a calibration file (or with an unreadable one) settings.REVIEW_THRESHOLD is the
threshold; a calibrated value below that floor is never used."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from eakte.settings import REVIEW_THRESHOLD

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")


def threshold_from(data: object, floor: float = REVIEW_THRESHOLD) -> float:
    """The threshold a calibration record sets: its reviewThreshold, never below `floor`."""
    value = data.get("reviewThreshold") if isinstance(data, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return max(float(value), floor)
    return floor


@cache
def review_threshold(path: Path = CALIBRATION_PATH) -> float:
    """The calibrated review threshold (read once per process), or the settings floor."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return REVIEW_THRESHOLD
    return threshold_from(data)
