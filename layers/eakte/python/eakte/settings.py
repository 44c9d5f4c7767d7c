"""The one definition of resource names, limits and pipeline settings.

Both the CDK app (`infra/`) and the local runtime (`eakte.local`) import this module, so the
buckets, queues and tables they create carry the same names and settings. Handlers never
read this module for *where* things are: they get URLs/ARNs/names from environment variables
(`EnvVar`), which CDK fills with tokens and the local runtime fills with moto's values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

APP = "eakte"
DEFAULT_STAGE = "dev"
DEFAULT_REGION = "eu-central-1"  # Frankfurt; Zurich (eu-central-2) has no Textract
LOCAL_ACCOUNT = "123456789012"  # moto's default account


class EnvVar(StrEnum):
    """Environment variables that tell a handler where its resources are."""

    STAGE = "EAKTE_STAGE"
    TABLE = "EAKTE_TABLE"
    IDEMPOTENCY_TABLE = "EAKTE_IDEMPOTENCY_TABLE"
    INTAKE_BUCKET = "EAKTE_INTAKE_BUCKET"
    ARCHIVE_BUCKET = "EAKTE_ARCHIVE_BUCKET"
    OCR_ENGINE = "EAKTE_OCR_ENGINE"
    TEXTRACT_TOPIC_ARN = "EAKTE_TEXTRACT_TOPIC_ARN"
    TEXTRACT_ROLE_ARN = "EAKTE_TEXTRACT_ROLE_ARN"
    JWT_ISSUER = "EAKTE_JWT_ISSUER"
    JWT_AUDIENCE = "EAKTE_JWT_AUDIENCE"
    JWKS_URL = "EAKTE_JWKS_URL"
    FAULT_INJECTION = "EAKTE_FAULT_INJECTION"
    OCR_LANGUAGES = "EAKTE_OCR_LANGUAGES"  # Tesseract languages, e.g. "deu" (default: deu+fra+ita+eng)
    FEDERAL_ENDPOINT_URL = "EAKTE_FEDERAL_ENDPOINT_URL"  # where the forward stage delivers (sedex gateway)
    SCHEMA_DIR = "EAKTE_SCHEMA_DIR"  # the official eCH XSDs (default: in the layer, else ../shared/standards/ech)


class Stage(StrEnum):
    """Pipeline stages; each is one SQS queue (with a DLQ) in front of one Lambda."""

    INTAKE = "intake"
    OCR = "ocr"
    OCR_RESULT = "ocr-result"  # Textract async completion (SNS -> SQS)
    CLASSIFY = "classify"
    INDEX = "index"
    EXCHANGE = "exchange"
    FORWARD = "forward"  # FIFO: one message group per person, delivery to the federal endpoint
    RECEIPT = "receipt"  # receipts (eCH-0090) of the federal endpoint


def queue_env(stage: Stage) -> str:
    """Name of the environment variable holding the URL of `stage`'s queue."""
    return f"EAKTE_QUEUE_{stage.name}"


class OcrEngineKind(StrEnum):
    TEXTRACT = "textract"
    TESSERACT = "tesseract"


@dataclass(frozen=True)
class StageSettings:
    """Queue and consumer settings of one stage, shared by CDK and the local runtime."""

    stage: Stage
    function: str  # folder under functions/
    timeout_s: int  # Lambda timeout
    memory_mb: int
    batch_size: int
    max_batching_window_s: int
    max_receive_count: int
    # Upper bound of concurrent handler instances. It protects a downstream quota
    # (Textract: ~1 TPS for sync calls and async starts in eu-central-1).
    max_concurrency: int
    retention_days: int = 14
    fifo: bool = False  # an SQS FIFO queue (and FIFO DLQ): ordered per message group

    @property
    def visibility_timeout_s(self) -> int:
        # AWS guidance: at least 6x the function timeout, so a retried batch is not
        # delivered twice while the first invocation is still running.
        return 6 * self.timeout_s


STAGES: dict[Stage, StageSettings] = {
    s.stage: s
    for s in (
        StageSettings(Stage.INTAKE, "intake", timeout_s=60, memory_mb=1024, batch_size=5,
                      max_batching_window_s=1, max_receive_count=5, max_concurrency=10),
        StageSettings(Stage.OCR, "ocr", timeout_s=300, memory_mb=2048, batch_size=1,
                      max_batching_window_s=0, max_receive_count=8, max_concurrency=2),
        StageSettings(Stage.OCR_RESULT, "ocr_result", timeout_s=120, memory_mb=1024, batch_size=1,
                      max_batching_window_s=0, max_receive_count=8, max_concurrency=2),
        StageSettings(Stage.CLASSIFY, "classify", timeout_s=60, memory_mb=1024, batch_size=10,
                      max_batching_window_s=1, max_receive_count=5, max_concurrency=10),
        StageSettings(Stage.INDEX, "index", timeout_s=60, memory_mb=512, batch_size=10,
                      max_batching_window_s=1, max_receive_count=5, max_concurrency=10),
        StageSettings(Stage.EXCHANGE, "exchange", timeout_s=60, memory_mb=512, batch_size=10,
                      max_batching_window_s=1, max_receive_count=5, max_concurrency=5),
        # max_receive_count 10: with the retry backoff (2 s doubling, cap 600 s) a message survives
        # an endpoint outage of ~15 minutes before it goes to the DLQ. FIFO event sources allow no
        # batching window.
        StageSettings(Stage.FORWARD, "forward", timeout_s=30, memory_mb=512, batch_size=10,
                      max_batching_window_s=0, max_receive_count=10, max_concurrency=5, fifo=True),
        StageSettings(Stage.RECEIPT, "receipt", timeout_s=30, memory_mb=512, batch_size=10,
                      max_batching_window_s=0, max_receive_count=5, max_concurrency=5),
    )
}

# The stages whose consumer Lambda this build ships (the local runtime polls exactly these).
CONSUMED_STAGES: tuple[Stage, ...] = (
    Stage.INTAKE, Stage.OCR, Stage.OCR_RESULT, Stage.CLASSIFY, Stage.INDEX,
    Stage.EXCHANGE, Stage.FORWARD, Stage.RECEIPT,
)


@dataclass(frozen=True)
class ApiSettings:
    function: str = "api"
    timeout_s: int = 29
    memory_mb: int = 1024


API = ApiSettings()

# Federal message exchange (eCH-0020 forwarding over sedex, eCH-0090 envelopes and receipts).
# sedex participant ids of the cantonal migration office (us) and of the federal register (SEM/ZEMIS);
# test participants ("T" prefix) until the real ids are configured for a deployment.
SEDEX_OWN_ID = "T2-ZH-7"
SEDEX_FEDERAL_ID = "T4-999999-1"
MAX_MESSAGE_DEPTH = 64  # eCH-0020 nests ~15 levels; deeper trees are refused before validation
FEDERAL_DELIVERY_TIMEOUT_S = 10

# Upload and intake limits ------------------------------------------------------------------
MAX_SCAN_BYTES = 50 * 1024 * 1024  # one legacy file of ~100 pages at 300 dpi fits
MAX_MESSAGE_BYTES = 5 * 1024 * 1024
MAX_SINGLE_IMAGE_BYTES = 10 * 1024 * 1024  # Textract's limit for a JPEG/PNG; phone photos are ~5 MB
MAX_PAGES = 500  # Textract async handles 3,000; a single submitted file above 500 is an error
MAX_IMAGE_PIXELS = 60_000_000  # an A3 page at 600 dpi is ~70 MP; guards decompression bombs
# Page images for the document viewer (logic.page_images), rendered on first view and cached
PAGE_IMAGE_DPI = 150  # plenty for reading on screen; an A4 page is 1240x1754
PAGE_IMAGE_MAX_SIDE = 2000  # pixels: bounds memory, time and size whatever the page size
PAGE_IMAGE_MAX_BYTES = 4 * 1024 * 1024  # far below API Gateway's 10 MB, though it is a presigned GET
UPLOAD_URL_TTL_S = 15 * 60
UPLOAD_GRACE_S = 60  # clock skew between S3's event time and ours
MAX_FILENAME_CHARS = 200

# Prefixes in the intake bucket
INCOMING_PREFIX = "incoming/"
QUARANTINE_PREFIX = "quarantine/"
INCOMING_RETENTION_DAYS = 30  # originals are copied to the archive; the upload copy expires

# Archive (Object Lock, GOVERNANCE, default retention)
ARCHIVE_RETENTION_DAYS = 365 * 10

# Classification
# Floor and fallback of the review threshold: the threshold in force is calibrated on held-out
# data and shipped with the model (eakte/recognition/calibration.json), never below this.
REVIEW_THRESHOLD = 0.6  # below this confidence a document always goes to the inbox

# Table layout: one table, overloaded keys, three sparse GSIs (see eakte.dal.records)
GSI_BY_PARENT = "gsi1"  # documents of a submission; submissions of a tenant
GSI_INBOX = "gsi2"  # documents that need a human
GSI_BY_DOSSIER = "gsi3"  # documents of a dossier (timeline)
GSI_BY_STATUS = "gsi4"  # documents per status (keys only): the ops overview counts with Select=COUNT
GSIS = (GSI_BY_PARENT, GSI_INBOX, GSI_BY_DOSSIER, GSI_BY_STATUS)
GSIS_KEYS_ONLY = frozenset({GSI_BY_STATUS})  # the others project the whole item

# Identity: user groups (Cognito groups in AWS, claims of the dev issuer locally)
GROUPS = ("caseworker", "teamlead", "municipality", "police", "scanner", "auditor", "ops")
UPLOADER_GROUPS = frozenset({"municipality", "police", "scanner"})
READER_GROUPS = frozenset({"caseworker", "teamlead"})
GROUPS_CLAIM = "cognito:groups"
TENANT_CLAIM = "custom:municipality"
TEAM_CLAIM = "custom:team"

# Teams of the office (eakte.logic.teams). Every dossier belongs to one team; a caseworker sees only
# the dossiers (their documents and messages) of the team in the token's TEAM_CLAIM, a team lead all.
# A new dossier, and a document in the inbox, goes to the team of the submitting municipality / unit
# (TEAM_OF_TENANT), else to DEFAULT_TEAM; dossiers from before teams existed belong to DEFAULT_TEAM.
TEAMS = ("team-a", "team-b", "team-c")
DEFAULT_TEAM = "team-a"
TEAM_OF_TENANT: dict[str, str] = {
    "bfs-230": "team-a",  # Winterthur
    "bfs-261": "team-a",  # Zürich
    "bfs-351": "team-b",  # Bern
    "kapo-zh": "team-a",
    "kapo-be": "team-b",
}
# Sign-in: OAuth 2.0 authorisation code + PKCE (Cognito's hosted UI in AWS, local/hosted_ui.py locally)
OAUTH_SCOPES = ("openid", "email", "profile")
SIGN_IN_TOKEN_TTL_S = 3600  # ID and access tokens; after that the app sends the user to sign in again

LOCAL_HOST = "127.0.0.1"
LOCAL_PORT = 8080
LOCAL_AUDIENCE = "eakte-local"


@dataclass(frozen=True)
class Names:
    """Physical resource names for one stage (deployment) of the app."""

    stage: str = DEFAULT_STAGE

    @property
    def prefix(self) -> str:
        return f"{APP}-{self.stage}"

    @property
    def table(self) -> str:
        return f"{self.prefix}-records"

    @property
    def idempotency_table(self) -> str:
        return f"{self.prefix}-idempotency"

    def bucket(self, kind: str, account: str, region: str) -> str:
        # bucket names are global: account and region keep them unique
        return f"{self.prefix}-{kind}-{account}-{region}"

    def intake_bucket(self, account: str, region: str) -> str:
        return self.bucket("intake", account, region)

    def archive_bucket(self, account: str, region: str) -> str:
        return self.bucket("archive", account, region)

    def queue(self, stage: Stage) -> str:
        # SQS requires FIFO queue names to end in ".fifo"
        return f"{self.prefix}-{stage.value}" + (".fifo" if STAGES[stage].fifo else "")

    def dlq(self, stage: Stage) -> str:
        return f"{self.prefix}-{stage.value}-dlq" + (".fifo" if STAGES[stage].fifo else "")

    def function(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def textract_topic(self) -> str:
        return f"{self.prefix}-textract-complete"


def names_from_env() -> Names:
    return Names(stage=os.environ.get(EnvVar.STAGE, DEFAULT_STAGE))


# Sweeper (eakte.logic.sweeper): a document that has not changed for longer than its status's time
# here is stuck (a lost Textract completion, a message lost between stages): the sweeper looks at it.
# Longer than any stage's retries take (OCR: 8 receives with backoff); a backlog longer than this only
# costs a duplicate message, which the stages ignore.
SWEEPER_FUNCTION = "sweeper"
SWEEP_STUCK_AFTER_S: dict[str, int] = {"RECEIVED": 3600, "OCR_DONE": 1800, "CLASSIFIED": 1800}
SWEEP_MAX_ATTEMPTS = 3  # then the document is FAILED (<stage>_failed) and its message put in the DLQ
SWEEP_BATCH = 200  # documents per status and run (oldest first); the next run takes the rest
SWEEP_INTERVAL_MINUTES = 10  # the EventBridge schedule in AWS
SWEEP_LOCAL_INTERVAL_S = 60  # the local stack's timer (environment EAKTE_SWEEP_INTERVAL_S overrides)
SWEEPER_TIMEOUT_S = 300
SWEEP_INTERVAL_ENV = "EAKTE_SWEEP_INTERVAL_S"
# the stages a stuck document waits for: the sweeper sends to their queues and, giving up, their DLQs
SWEEP_STAGES = (Stage.OCR, Stage.EXCHANGE, Stage.CLASSIFY, Stage.INDEX)
