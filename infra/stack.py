"""The one eAkte stack, composed of the constructs in infra/constructs/."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack, Tags
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from eakte.settings import API, APP, STAGES, SWEEPER_FUNCTION, EnvVar, Names, Stage
from infra import nag
from infra.bundling import ARCHITECTURE, RUNTIME, layer_code
from infra.config import Deployment
from infra.constructs.api import Api
from infra.constructs.exchange import Exchange
from infra.constructs.observability import Observability
from infra.constructs.pipeline import Pipeline
from infra.constructs.storage import Storage
from infra.constructs.web import Web


class EakteStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, deployment: Deployment, **kwargs: Any) -> None:
        super().__init__(scope, construct_id,
                         description=f"eAkte Migration ({deployment.stage}): serverless electronic case file",
                         **kwargs)
        names = Names(deployment.stage)
        self.deployment = deployment
        Tags.of(self).add("app", APP)
        Tags.of(self).add("stage", names.stage)

        self.storage = Storage(self, "Storage", names=names, web_origins=deployment.web_origins)
        self.layer = lambda_.LayerVersion(
            self, "SharedLayer",
            layer_version_name=f"{names.prefix}-shared",
            description="eakte package (models, ports, adapters, logic) and its runtime dependencies",
            code=layer_code(),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
        )
        # Where a handler's resources are (eakte.wiring reads these); values are CDK tokens.
        environment = {
            EnvVar.STAGE: names.stage,
            EnvVar.TABLE: self.storage.records.table_name,
            EnvVar.IDEMPOTENCY_TABLE: self.storage.idempotency.table_name,
            EnvVar.INTAKE_BUCKET: self.storage.intake.bucket_name,
            EnvVar.ARCHIVE_BUCKET: self.storage.archive.bucket_name,
        }
        self.pipeline = Pipeline(self, "Pipeline", names=names, storage=self.storage, layer=self.layer,
                                 ocr_engine=deployment.ocr_engine, environment=environment)
        self.exchange = Exchange(self, "Exchange", pipeline=self.pipeline, storage=self.storage,
                                 senders=[self.pipeline.functions[Stage.INTAKE]],
                                 federal_endpoint_url=deployment.federal_endpoint_url)
        self.api = Api(self, "Api", names=names, storage=self.storage, layer=self.layer,
                       environment=environment, web_origins=deployment.web_origins)
        self.exchange.allow_caseworker_messages(self.api.handler)
        self.web = Web(self, "Web", names=names, storage=self.storage, api=self.api)
        self.observability = Observability(
            self, "Observability", names=names, key=self.storage.key, queues=self.pipeline.queues,
            functions={**{STAGES[s].function: f.function for s, f in self.pipeline.functions.items()},
                       API.function: self.api.handler.function,
                       SWEEPER_FUNCTION: self.pipeline.sweeper.function},
            api=self.api.rest)
        self.observability.grant_ops_overview(self.api.handler.role, self.pipeline.queues, self.pipeline.key)
        nag.suppress_cdk_internals(self, self.api.rest)
        nag.suppress_nist(self)
