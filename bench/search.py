"""Person-search benchmark: does a name as a caseworker types it find the person's dossier, and how fast?

    python bench/search.py [--seed 7] [--queries 2000] [--timed 300] [--out bench/results/search.json]

The dossiers of a generated office (samples.identities: 1,057 dossiers for seed 7, with namesakes,
twins and siblings) and, per query, a person with a dossier and their name as a caseworker types
it from a letter or a phone call: each name in one of its spellings (the variants that other
authorities and the person's own documents use), sometimes without accents, in capitals, given
names first, the surname alone, or without a middle name.

- found: the person's dossier among the results (the API returns 25); first: the first result
  is the person's dossier or a namesake's (the same names in the dossier's spelling: nothing typed
  tells them apart; for the surname alone, with a family's several dossiers, it says little); in
  the first five; results per query.
- The same for the first-letters search that served `GET /api/dossiers?q=` before logic.search
  (every word typed the beginning of a name as written, ordered by dossier number).
- Latency of DynamoRecordStore.find_dossiers (the API's store) on moto over loopback, `--timed`
  queries after loading the dossiers: p50 / p95 ms (moto answers slower than DynamoDB does; a
  query costs up to three lookups per word typed and one batch read).
The quality figures use logic.search's functions over the dossiers, as the in-memory store does."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "eakte" / "python"))

from bench.pipeline import percentile  # noqa: E402
from bench.report import print_rows, write_result  # noqa: E402
from eakte.adapters.aws import DynamoRecordStore  # noqa: E402
from eakte.local.resources import create_resources, start_moto  # noqa: E402
from eakte.logic.names import canonical, person_name_tokens  # noqa: E402
from eakte.logic.search import DossierNames, NameSearch, SearchWord, matches, rank_key  # noqa: E402
from eakte.models.document import Dossier  # noqa: E402
from eakte.ports import DossierQuery  # noqa: E402
from eakte.settings import Names  # noqa: E402
from samples.identities import IdPerson, _ascii, dossier_number, identity_corpus  # noqa: E402

LIMIT = 25  # GET /api/dossiers answers with DossierQuery's default limit
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _dossier(p: IdPerson) -> Dossier:
    return Dossier(dossier_id=dossier_number(p.key), surname=p.surname.canonical(), given_names=p.given.canonical(),
                   birth_date=p.birth_date, nationality=p.origin, sex=p.sex, created_at=NOW)


def typed_name(p: IdPerson, rng: random.Random) -> tuple[str, str]:
    """The person's name as a caseworker types it, and its group: the surname alone, or the full
    name as the dossier spells it (up to accents, case and doubled letters) or in another spelling."""
    surname, given = p.surname.variant(rng), p.given.variant(rng)
    if len(p.given.groups) > 1 and rng.random() < 0.15:
        given = rng.choice(p.given.groups[0])  # the middle name left out
    if rng.random() < 0.3:
        surname, given = _ascii(surname), _ascii(given)
    roll = rng.random()
    typed = f"{surname} {given}" if roll < 0.45 else f"{given} {surname}" if roll < 0.7 else surname
    if rng.random() < 0.1:
        typed = typed.upper()
    if roll >= 0.7:
        return typed, "surname alone"
    spelt = {canonical(t) for t in person_name_tokens(typed)}
    own = {canonical(t) for t in person_name_tokens(f"{p.surname.canonical()} {p.given.canonical()}")}
    return typed, "full name, the dossier's spelling" if spelt <= own else "full name, another spelling"


def first_letters(search: NameSearch) -> NameSearch:
    """The search before logic.search: each word the beginning of a name as written, no keys."""
    return NameSearch(search.text, tuple(SearchWord(w.prefix, frozenset(), frozenset()) for w in search.words), ())


def quality(persons: list[IdPerson], dossiers: list[Dossier], queries: int, seed: int) -> dict[str, Any]:
    names = {d.dossier_id: DossierNames.of(d.surname, d.given_names) for d in dossiers}
    spelling = {d.dossier_id: (d.surname, d.given_names) for d in dossiers}
    rng = random.Random(f"search-{seed}")
    with_dossier = [p for p in persons if p.has_dossier]

    def ranked(search: NameSearch, order: Callable[[Dossier], Any]) -> list[Dossier]:
        return sorted((d for d in dossiers if matches(search, names[d.dossier_id])), key=order)

    counts: dict[str, dict[str, dict[str, float]]] = {}
    for _ in range(queries):
        p = rng.choice(with_dossier)
        typed, kind = typed_name(p, rng)
        search = NameSearch.parse(typed)
        own = dossier_number(p.key)
        for method, search_with, order in (
                ("spelling-aware", search, lambda d, s=search: rank_key(s, d.surname, d.given_names, d.dossier_id)),
                ("first letters", first_letters(search), lambda d: d.dossier_id)):
            found = ranked(search_with, order)
            shown = [d.dossier_id for d in found[:LIMIT]]
            for group in ("all", kind):
                c = counts.setdefault(method, {}).setdefault(group, {"n": 0, "found": 0, "first": 0, "top5": 0,
                                                                     "results": 0})
                c["n"] += 1
                c["found"] += own in shown
                c["first"] += bool(shown) and spelling[shown[0]] == spelling[own]
                c["top5"] += own in shown[:5]
                c["results"] += len(shown)
    return {method: {group: {"n": int(c["n"]), "found": round(c["found"] / c["n"], 4),
                             "first_or_namesake": round(c["first"] / c["n"], 4),
                             "in_first_5": round(c["top5"] / c["n"], 4),
                             "results_per_query": round(c["results"] / c["n"], 1)}
                     for group, c in groups.items()}
            for method, groups in counts.items()}


def latency(persons: list[IdPerson], dossiers: list[Dossier], timed: int, seed: int) -> dict[str, Any]:
    server = start_moto()
    try:
        host, port = server.get_host_and_port()
        aws = create_resources(Names(stage="bench-search"), f"http://{host}:{port}")
        store = DynamoRecordStore(aws.client("dynamodb"), aws.names.table)
        t0 = time.monotonic()
        for d in dossiers:
            store.create_dossier(d)
        loaded_s = time.monotonic() - t0
        rng = random.Random(f"search-timed-{seed}")
        with_dossier = [p for p in persons if p.has_dossier]
        times: list[float] = []
        for _ in range(timed):
            typed, _ = typed_name(rng.choice(with_dossier), rng)
            t = time.perf_counter()
            store.find_dossiers(DossierQuery(name=typed))
            times.append((time.perf_counter() - t) * 1000)
        return {"queries": timed, "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 95), 1), "dossiers_loaded_in_s": round(loaded_s, 1)}
    finally:
        server.stop()


def run(seed: int, queries: int, timed: int) -> dict[str, Any]:
    corpus = identity_corpus(seed=seed)
    dossiers = [_dossier(p) for p in corpus.persons if p.has_dossier]
    return {"seed": seed, "dossiers": len(dossiers), "quality": quality(corpus.persons, dossiers, queries, seed),
            "latency_dynamodb_on_moto": latency(corpus.persons, dossiers, timed, seed) if timed else None}


def print_table(r: dict[str, Any]) -> None:
    rows: list[tuple[str, Any]] = [("dossiers (generated office, seed)", f"{r['dossiers']} ({r['seed']})")]
    for method, groups in r["quality"].items():
        for group, c in groups.items():
            rows.append((f"{method}: {group} (n={c['n']}): found / first / in first 5",
                         f"{c['found']} / {c['first_or_namesake']} / {c['in_first_5']}"))
        rows.append((f"{method}: results per query", groups["all"]["results_per_query"]))
    if (t := r["latency_dynamodb_on_moto"]) is not None:
        rows.append((f"DynamoDB store on moto: {t['queries']} queries p50 / p95 (ms)",
                     f"{t['p50_ms']} / {t['p95_ms']}"))
    print_rows(rows, "person search")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--timed", type=int, default=300, help="queries timed through DynamoDB on moto (0: none)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "search.json")
    args = parser.parse_args()
    result = run(args.seed, args.queries, args.timed)
    print_table(result)
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
