"""The emulated DynamoDB's Query at the speed of a partition lookup.

moto 5 answers every Query by sorting all items of the table (`Table.all_items`, O(n log n) with
Python-level comparisons of its attribute values) and then testing each one against the key
condition. With the tens of thousands of records of a long local run (the exchange benchmark's 5,000
messages) the emulator itself became the bottleneck: one core at 95 %, most of it in that sort,
throughput falling as the table grew.

`install()` narrows what a Query looks at to the items that can match its partition key: the
table's own partition for a table query, the items whose index key attributes equal the condition's
values for an index query. moto's own query code then runs unchanged on that subset, in the order
moto would have produced, so results, ordering, paging, filters and projections are moto's own;
only items that cannot match are left out. Our handlers are untouched: this is the emulation's
speed, not a local path of the application.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_narrowed = threading.local()  # (table, items) while one of this thread's queries runs
_originals: dict[str, Callable[..., Any]] = {}
_QUERY_PARAMETERS = {"self", "hash_key", "index_name", "hash_key_conditions"}


def _matches(item: Any, conditions: list[tuple[str, Any]]) -> bool:
    for name, expected in conditions:
        value = item.attrs.get(name)
        if value is None:
            return False
        if expected.type == "S":  # the common case, compared as moto does but without its casts
            if value.type != "S" or value.value != expected.value:
                return False
        elif value != expected:
            return False
    return True


def _candidates(table: Any, hash_key: Any, index_name: str | None,
                hash_key_conditions: list[tuple[str, Any]] | None) -> list[Any] | None:
    """The items that can match the query's partition key, or None to let moto look at all."""
    if not index_name:
        if hash_key is None:
            return None
        partition = table.items.get(hash_key)
        if partition is None:
            return []
        return list(partition.values()) if table.range_key_attr else [partition]
    conditions = list(hash_key_conditions or [])
    if not conditions:  # not the key conditions this was written against: moto's own way
        return None
    found = []
    for partition in table.items.values():
        for item in (partition.values() if table.range_key_attr else (partition,)):
            if _matches(item, conditions):
                found.append(item)
    return found


def install() -> bool:
    """Patch moto's DynamoDB Query (once per process). False, with a warning, when this moto's
    internals are not the ones this was written against: then moto runs as it is, only slower."""
    if _originals:
        return True
    try:
        from moto.dynamodb.models.table import Table
    except ImportError:
        return False
    query, all_items = getattr(Table, "query", None), getattr(Table, "all_items", None)
    if query is None or all_items is None or not set(inspect.signature(query).parameters) >= _QUERY_PARAMETERS:
        log.warning("moto's DynamoDB Table.query is not the one eakte.local.moto_speedups knows: left as it is")
        return False
    signature = inspect.signature(query)

    def narrowed_all_items(self: Any) -> list[Any]:
        current = getattr(_narrowed, "value", None)
        if current is not None and current[0] is self:
            # moto's all_items order, on the subset
            return sorted(current[1], key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)
        return _originals["all_items"](self)

    def narrowed_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        arguments = bound.arguments
        candidates = _candidates(self, arguments.get("hash_key"), arguments.get("index_name"),
                                 arguments.get("hash_key_conditions"))
        if candidates is None:
            return query(self, *args, **kwargs)
        _narrowed.value = (self, candidates)
        try:
            return query(self, *args, **kwargs)
        finally:
            _narrowed.value = None

    _originals.update(query=query, all_items=all_items)
    # patching moto's class is the point of this module
    Table.query = narrowed_query  # type: ignore[method-assign]
    Table.all_items = narrowed_all_items  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """moto's own Query again (tests compare the two)."""
    if not _originals:
        return
    from moto.dynamodb.models.table import Table

    Table.query = _originals.pop("query")  # type: ignore[method-assign]
    Table.all_items = _originals.pop("all_items")  # type: ignore[method-assign]
