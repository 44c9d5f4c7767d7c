"""Why a document that shows only a name is never filed by that name: the counterfactual.

    python bench/identity_name_alone.py [--dossiers 1200] [--documents 2400] [--seed 7]

Runs bench/identity.py's typed corpus (documents alone, no uploader naming anyone) twice: with
the shipped rules, and with one more rule that files a document without birth date when its
names fit exactly one dossier clearly (and the name lookups were complete). The second run's
false attachments are the price of that recall: people without a dossier (new arrivals,
relatives) share names with people the office knows."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "eakte" / "python"))

import eakte.logic.stages as stages  # noqa: E402
from bench.identity import run  # noqa: E402
from bench.report import print_rows, write_result  # noqa: E402
from eakte.logic import identity  # noqa: E402
from eakte.models.document import Dossier  # noqa: E402

SHIPPED = identity.resolve


def resolve_by_name_alone(person: identity.PersonData, by_reference: Mapping[str, Sequence[Dossier]],
                          others: Iterable[Dossier], *, complete: bool = True) -> identity.Resolution:
    """The shipped rules, plus: no birth date on the document, and its names (given names too)
    fit exactly one dossier at ATTACH_SCORE or better: file it there."""
    others = list(others)
    shipped = SHIPPED(person, by_reference, others, complete=complete)
    if shipped.dossier_id or shipped.outcome == "reference_conflict" or person.birth_date or not person.given_names:
        return shipped
    unique = {d.dossier_id: d for d in others}
    fits = [s for s in (identity.score_dossier(person, d) for d in unique.values())
            if s.names.score >= identity.ATTACH_SCORE and not s.names.conflict]
    if len(fits) == 1 and complete:
        return identity.Resolution(fits[0].dossier.dossier_id, shipped.candidates, "name_alone")
    return shipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1200)
    parser.add_argument("--documents", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "identity-name-alone.json")
    args = parser.parse_args()
    keys = ("recall", "precision", "false_attachments")
    shipped = run(args.dossiers, args.documents, args.seed, declarations=False)
    stages.resolve = resolve_by_name_alone  # the index stage's name for it
    try:
        by_name = run(args.dossiers, args.documents, args.seed, declarations=False)
    finally:
        stages.resolve = SHIPPED
    result: dict[str, Any] = {"shipped_rules": {k: shipped[k] for k in keys},
                              "filed_by_a_unique_name": {k: by_name[k] for k in keys},
                              "false_attachment_examples": by_name["false_attachment_examples"]}
    print_rows([("rules", "recall / precision / FALSE attachments"),
                ("shipped (a name alone never files)", " / ".join(str(shipped[k]) for k in keys)),
                ("+ a name that fits one dossier files", " / ".join(str(by_name[k]) for k in keys))],
               heading="identity: documents without birth date")
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
