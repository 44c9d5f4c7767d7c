"""The local runtime serves one API request at a time: Powertools keeps the current request on
the resolver's class, so two resolvers in one process resolving at once see each other's event."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from eakte.local.stack import API_CONTAINERS, api_gateway_event


def test_two_resolvers_in_one_process_share_the_current_request() -> None:
    """The premise of API_CONTAINERS = 1: if Powertools ever keeps the event per resolver, this
    fails and the local API may serve requests concurrently again."""
    first, second = APIGatewayRestResolver(), APIGatewayRestResolver()

    @second.get("/api/other")
    def other() -> dict[str, Any]:
        return {}

    @first.get("/api/mine")
    def mine() -> dict[str, Any]:
        # another container resolves a request while this one is being handled
        second.resolve(api_gateway_event("GET", "/api/other", {}, None, "127.0.0.1"), None)
        return {"seen": first.current_event.path}

    response = first.resolve(api_gateway_event("GET", "/api/mine", {}, None, "127.0.0.1"), None)
    assert '"seen":"/api/other"' in response["body"].replace(" ", "")  # not its own request
    assert API_CONTAINERS == 1
