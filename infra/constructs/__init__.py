"""One construct module per concern: storage, pipeline, api, exchange, observability.

Imported as `infra.constructs.*`; the `constructs` library itself stays `constructs`.
"""
