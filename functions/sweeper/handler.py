"""Sweeper Lambda (EventBridge schedule): documents stuck in a non-final status get going again or
end FAILED with a reason (eakte.logic.sweeper)."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

from eakte import telemetry, wiring
from eakte.lambda_support import logger, metrics, tracer
from eakte.logic.stages import OcrResultStage, OcrStage
from eakte.logic.sweeper import Outcome, Sweeper


@cache
def sweeper() -> Sweeper:
    engine = wiring.ocr_engine()
    ocr = OcrStage(wiring.records(), wiring.objects(), wiring.queue(), wiring.buckets(), engine)
    return Sweeper(wiring.records(), wiring.stale_documents(), wiring.queue(), wiring.dead_letters(),
                   OcrResultStage(ocr, wiring.records(), engine), wiring.ocr_jobs(), wiring.buckets())


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    swept = sweeper().sweep()
    counts = Counter(s.outcome for s in swept)
    for outcome in Outcome:
        metrics.add_metric(name=telemetry.swept_metric(outcome.value), unit="Count", value=counts[outcome])
    metrics.add_metric(name=telemetry.DOCUMENTS_SWEPT, unit="Count", value=len(swept))
    for s in swept:
        log = logger.warning if s.outcome in (Outcome.FAILED, Outcome.ERROR) else logger.info
        log("swept", document_id=s.document_id, status=s.status.value, outcome=s.outcome.value, detail=s.detail)
    return {"swept": len(swept), **{o.value: counts[o] for o in Outcome}}
