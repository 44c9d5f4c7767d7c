"""Recognition of OCR text: document type, MRZ and fields, in pure Python.

    from eakte.recognition import recognize
    rec = recognize(text)   # text: lines separated by "\\n", pages by "\\f"
    rec.document_type, rec.confidence, rec.mrz, rec.fields

No I/O and no heavy dependencies: the classify Lambda calls this once per document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from eakte.models.document import DocumentType, ExtractedField
from eakte.recognition.calibration import review_threshold
from eakte.recognition.classifier import Classification, classify
from eakte.recognition.fields import extract_fields
from eakte.recognition.model import predict
from eakte.recognition.mrz import MrzResult, find_mrz, parse_mrz

__all__ = [
    "Classification",
    "MrzResult",
    "Recognition",
    "classify",
    "extract_fields",
    "find_mrz",
    "parse_mrz",
    "recognize",
]

# Type-specific fields (employer, address, ...) are also extracted for runner-up types this
# likely: a contract classified with low confidence still yields its employer for review.
FIELD_TYPE_MIN_PROBABILITY = 0.15


@dataclass(frozen=True, slots=True)
class Recognition:
    document_type: DocumentType
    confidence: float  # 0..1, see Classification.confidence
    classification: Classification
    mrz: MrzResult | None
    fields: dict[str, ExtractedField] = field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        """Below the calibrated review threshold (eakte.recognition.calibration) the document
        goes to the inbox."""
        return self.confidence < review_threshold()


MIN_MODEL_LETTERS = 15  # below this the keyword classifier's "nothing to classify" stands
MAX_CONFIDENCE = 0.99


def with_model(text: str, keyword: Classification) -> Classification:
    """The trained model's decision (recognition.model, which also sees the keyword
    classifier's probabilities); the keyword classification alone when no model is shipped."""
    if sum(c.isalpha() for c in text[:2000]) < MIN_MODEL_LETTERS:
        return keyword
    probs = predict(text, keyword.probabilities)
    if probs is None:
        return keyword
    best = max(probs, key=lambda t: probs[t])
    return Classification(
        document_type=best,
        confidence=round(min(probs[best], MAX_CONFIDENCE), 4),
        scores=keyword.scores,
        probabilities={t: round(p, 4) for t, p in probs.items()},
        evidence=(*keyword.evidence, "model") if best is keyword.document_type else ("model",),
    )


def recognize(text: str, *, today: date | None = None) -> Recognition:
    """Classify OCR text, parse an MRZ if there is one and extract fields.

    `today` anchors two-digit-year century inference (MRZ and text dates); default: today."""
    today = today or date.today()
    mrz = find_mrz(text, today=today)
    classification = with_model(text, classify(text, mrz, detect_mrz=False))
    likely = {t for t, p in classification.probabilities.items() if p >= FIELD_TYPE_MIN_PROBABILITY}
    likely.add(classification.document_type)
    fields = extract_fields(text, mrz, likely, today=today)
    return Recognition(
        document_type=classification.document_type,
        confidence=classification.confidence,
        classification=classification,
        mrz=mrz,
        fields=fields,
    )
