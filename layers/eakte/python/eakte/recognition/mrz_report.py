"""The MRZ's checks as the API shows them: which ICAO 9303 check digits passed and which OCR
repairs were applied (each one confirmed by a check digit, see recognition.mrz)."""

from __future__ import annotations

from eakte.models.document import MrzCheckReport
from eakte.recognition.mrz import MrzResult

# recognition.mrz's check names -> the API's camelCase keys, in the order the MRZ prints them
CHECK_KEYS = {
    "document_number": "documentNumber",
    "birth_date": "birthDate",
    "expiry_date": "expiryDate",
    "optional_data": "optionalData",
    "composite": "composite",
}


def mrz_report(mrz: MrzResult | None) -> MrzCheckReport | None:
    if mrz is None:
        return None
    checks = {CHECK_KEYS[name]: mrz.checks[name] for name in CHECK_KEYS if name in mrz.checks}
    return MrzCheckReport(format=mrz.format, document_code=mrz.document_code, issuing_state=mrz.issuing_state,
                          valid=mrz.valid, checks=checks, repairs=list(mrz.repairs))
