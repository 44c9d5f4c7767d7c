"""The exchange in the template: FIFO forward queue and DLQ, the official schemas in the layer,
least-privilege archive access and the federal endpoint setting."""

from __future__ import annotations

import json

import pytest

from eakte.exchange.schemas import REQUIRED_SCHEMAS
from eakte.settings import STAGES, EnvVar, Names, Stage
from infra.config import DEFAULT_FEDERAL_ENDPOINT
from tests.infrastructure.test_infra_layer import layer_dir
from tests.infrastructure.test_infra_template import _function, listed, one, statements

pytestmark = pytest.mark.infrastructure
NAMES = Names()


def test_forward_queue_and_its_dlq_are_fifo(textract):
    queues = textract.of_type("AWS::SQS::Queue")
    assert NAMES.queue(Stage.FORWARD).endswith(".fifo")
    for name in (NAMES.queue(Stage.FORWARD), NAMES.dlq(Stage.FORWARD)):
        _, q = one(queues, QueueName=name)
        assert q["Properties"]["FifoQueue"] is True
        assert q["Properties"].get("ContentBasedDeduplication") is False
    _, exchange = one(queues, QueueName=NAMES.queue(Stage.EXCHANGE))
    assert "FifoQueue" not in exchange["Properties"]


def test_layer_ships_the_official_schemas(textract):
    schemas = layer_dir(textract) / "python" / "eakte" / "schemas" / "ech"
    assert sorted(p.name for p in schemas.iterdir()) == sorted(REQUIRED_SCHEMAS)


def test_forward_function_knows_the_federal_endpoint(textract):
    _, fn = _function(textract, STAGES[Stage.FORWARD].function)
    assert fn["Properties"]["Environment"]["Variables"][EnvVar.FEDERAL_ENDPOINT_URL] == DEFAULT_FEDERAL_ENDPOINT


@pytest.mark.parametrize(("stage", "reads", "writes"), [
    (Stage.EXCHANGE, "/documents/*", ("/messages/*", "/documents/*")),
    (Stage.FORWARD, "/messages/*", None),
    (Stage.RECEIPT, None, None),
])
def test_exchange_functions_reach_only_their_part_of_the_archive(textract, stage, reads, writes):
    _, fn = _function(textract, STAGES[stage].function)
    policy = statements(textract, fn["Properties"]["Role"]["Fn::GetAtt"][0])
    s3 = [s for s in policy if any(a.startswith("s3:") for a in listed(s["Action"]))]
    text = json.dumps(s3)
    if reads is None and writes is None:
        assert s3 == []
    if reads:
        assert reads in text
    object_writes = [s for s in s3 if "s3:PutObject" in listed(s["Action"])]
    assert bool(object_writes) == bool(writes)
    if writes:
        resources = [r for s in object_writes for r in listed(s["Resource"])]
        assert all(any(w in json.dumps(r) for w in writes) for r in resources)
        assert all(any(w in json.dumps(r) for r in resources) for w in writes)


def test_the_api_may_queue_caseworker_messages_and_store_them(textract):
    """POST /api/dossiers/{id}/messages: the API function knows the forward queue, may send to it
    and may write below messages/ of the archive (delivery, envelope, draft), nothing more there."""
    from eakte.settings import API, queue_env

    _, fn = _function(textract, API.function)
    assert queue_env(Stage.FORWARD) in fn["Properties"]["Environment"]["Variables"]
    policy = statements(textract, fn["Properties"]["Role"]["Fn::GetAtt"][0])
    forward, _ = one(textract.of_type("AWS::SQS::Queue"), QueueName=NAMES.queue(Stage.FORWARD))
    sends = [s for s in policy if "sqs:SendMessage" in listed(s["Action"])]
    assert any(forward in json.dumps(s["Resource"]) for s in sends)
    puts = [r for s in policy if "s3:PutObject" in listed(s["Action"]) for r in listed(s["Resource"])]
    assert any("/messages/*" in json.dumps(r) for r in puts)
