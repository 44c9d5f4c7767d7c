"""API Lambda: the caseworker / municipality REST API behind API Gateway (proxy integration)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from eakte import wiring
from eakte.auth import Principal, verifier_from_env
from eakte.errors import AuthError, ConflictError, ForbiddenError, NotFoundError, ThrottledError
from eakte.exchange.api import MessageList, MessageQueries, MessageView, view
from eakte.exchange.model import MessageRejection, MessageStatus
from eakte.exchange.outbound import CaseworkerMessageRequest, OutboundService
from eakte.lambda_support import logger, tracer
from eakte.logic.api_service import ApiService, BadRequestError
from eakte.logic.ops import OpsOverview, OpsService
from eakte.logic.page_images import PageRenderError
from eakte.logic.team_messages import ScopedMessageQueries
from eakte.logic.teams import team_names
from eakte.models.api import (
    AuditList,
    ContentLink,
    CorrectionRequest,
    DocumentList,
    DocumentView,
    DossierChange,
    DossierList,
    DossierView,
    PageImageLink,
    SubmissionList,
    SubmissionView,
    UploadRequest,
    UploadResponse,
)
from eakte.settings import MAX_PAGES

PUBLIC_PATHS = frozenset({"/api/openapi.json"})



def parse_json_body(body: str) -> Any:
    """json.loads, but a nesting bomb ([[[[...]]]]) is a decode error (400), not a RecursionError (500)."""
    try:
        return json.loads(body)
    except RecursionError as e:
        raise json.JSONDecodeError("nested too deeply", body[:64], 0) from e


app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=parse_json_body)


@cache
def service() -> ApiService:
    return ApiService(wiring.records(), wiring.objects(), wiring.buckets(), wiring.audit_trail())


def error(status: int, code: str, message: str) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body={"error": {"code": code, "message": message}})


def _caller() -> Principal:
    headers = app.current_event.headers or {}
    authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    source_ip = app.current_event.request_context.identity.source_ip
    return replace(verifier_from_env().verify(authorization), source_ip=source_ip)


def authenticate(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    if app.current_event.path not in PUBLIC_PATHS:
        app.append_context(principal=_caller())
    return next_middleware(app)


app.use(middlewares=[authenticate])


def principal() -> Principal:
    return app.context["principal"]


@app.exception_handler(AuthError)
def _unauthorised(e: AuthError) -> Response:
    return error(401, "unauthorized", str(e))


@app.exception_handler(ForbiddenError)
def _forbidden(e: ForbiddenError) -> Response:
    return error(403, e.code, str(e))


@app.exception_handler(NotFoundError)
def _not_found(e: NotFoundError) -> Response:
    return error(404, "not_found", str(e))


@app.exception_handler(ConflictError)
def _conflict(e: ConflictError) -> Response:
    return error(409, "conflict", str(e))


@app.exception_handler(BadRequestError)
def _bad_request(e: BadRequestError) -> Response:
    return error(400, e.code, str(e))


@app.exception_handler(PageRenderError)
def _page_unavailable(e: PageRenderError) -> Response:
    return error(422, "page_unavailable", str(e))


@app.exception_handler(MessageRejection)
def _not_an_official_message(e: MessageRejection) -> Response:
    return error(422, e.code.value, e.describe())  # with the validator's path


@app.exception_handler(RequestValidationError)
def _invalid(e: RequestValidationError) -> Response:
    # request validation runs before the authentication middleware: who is not signed in learns
    # nothing about the request's shape, only 401
    if app.current_event.path not in PUBLIC_PATHS and "principal" not in app.context:
        try:
            _caller()
        except AuthError as auth:
            return _unauthorised(auth)
    problems = "; ".join(f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg')}"
                         for err in e.errors())
    return error(400, "invalid_request", problems or "the request is not valid")


@app.exception_handler(ThrottledError)
def _throttled(e: ThrottledError) -> Response:
    return error(503, "throttled", "the service is busy; retry shortly")


@app.not_found
def _no_route(e: RouteNotFoundError) -> Response:
    return error(404, "no_route", f"no endpoint {app.current_event.http_method} {app.current_event.path}")


@app.get("/api/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:  # Response[...]: the router derives a schema from the annotation
    spec = app.get_openapi_json_schema(title="eAkte Migration API", version="1.0.0",
                                       security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
                                       security=[{"bearer": []}])
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=spec)


@app.post("/api/uploads", summary="Start an upload: a presigned POST into the intake bucket")
def create_upload(request: UploadRequest) -> UploadResponse:
    response = service().create_upload(principal(), request)
    # from here on the submission id is the correlation id: intake and every stage log under it
    logger.set_correlation_id(response.submission_id)
    logger.info("upload started", submission_id=response.submission_id, kind=request.kind.value)
    return response


@app.get("/api/submissions", summary="The caller's own submissions, newest first")
def list_submissions() -> SubmissionList:
    return SubmissionList(items=service().list_submissions(principal()))


@app.get("/api/submissions/<submission_id>", summary="Status of a submission and its documents")
def get_submission(submission_id: Annotated[str, Path(max_length=64)]) -> SubmissionView:
    return service().get_submission(principal(), submission_id)


@app.get("/api/documents/<document_id>", summary="A document with type, fields, dossier and OCR text")
def get_document(document_id: Annotated[str, Path(max_length=64)]) -> DocumentView:
    return service().get_document(principal(), document_id)


@app.get("/api/documents/<document_id>/content", summary="A short-lived download link for the original")
def get_document_content(document_id: Annotated[str, Path(max_length=64)]) -> ContentLink:
    return service().document_content(principal(), document_id)


@app.get("/api/documents/<document_id>/pages/<page>",
         summary="A short-lived link to one page of the scan as an image (WebP), with its size")
def get_document_page(document_id: Annotated[str, Path(max_length=64)],
                      page: Annotated[int, Path(ge=1, le=MAX_PAGES)]) -> PageImageLink:
    return service().page_image(principal(), document_id, page)


@app.patch("/api/documents/<document_id>", summary="Correct a document's type and/or dossier (audited)")
def correct_document(document_id: Annotated[str, Path(max_length=64)], correction: CorrectionRequest) -> DocumentView:
    return service().correct_document(principal(), document_id, correction)


@app.get("/api/audit", summary="Who saw or changed what (auditors only)")
def get_audit(dossierId: Annotated[str | None, Query(max_length=64)] = None) -> AuditList:
    return AuditList(items=service().audit_events(principal(), dossierId))


@app.get("/api/inbox", summary="Documents that need a human: low confidence or no dossier match")
def get_inbox() -> DocumentList:
    return DocumentList(items=service().inbox(principal()))


@app.get("/api/dossiers", summary="Find persons by name, birth date or reference number")
def find_dossiers(q: Annotated[str | None, Query(max_length=100)] = None,
                  birthDate: Annotated[str | None, Query(max_length=10)] = None,
                  ref: Annotated[str | None, Query(max_length=40)] = None) -> DossierList:
    return service().find_dossiers(principal(), q, birthDate, ref)


@app.get("/api/dossiers/<dossier_id>", summary="A person's dossier with the timeline of documents")
def get_dossier(dossier_id: Annotated[str, Path(max_length=64)]) -> DossierView:
    return service().get_dossier(principal(), dossier_id)


@app.patch("/api/dossiers/<dossier_id>", summary="Move a dossier to another team (team leads; audited)")
def change_dossier(dossier_id: Annotated[str, Path(max_length=64)], change: DossierChange) -> DossierView:
    return service().change_dossier(principal(), dossier_id, change)


@app.get("/api/teams", summary="The office's teams (caseworkers and team leads)")
def list_teams() -> dict[str, list[str]]:
    return {"items": team_names(principal())}


@cache
def message_queries() -> ScopedMessageQueries:
    from eakte.exchange import wiring as exchange_wiring

    return ScopedMessageQueries(MessageQueries(exchange_wiring.messages()), wiring.records())


@cache
def outbound() -> OutboundService:
    from eakte.exchange import wiring as exchange_wiring

    return OutboundService(exchange_wiring.messages(), wiring.objects(), exchange_wiring.outbox(),
                           wiring.audit_trail(), wiring.buckets())


@app.post("/api/dossiers/<dossier_id>/messages", status_code=201,
          summary="Send the federal register a residence permit event about the person (caseworkers; audited)")
def send_dossier_message(dossier_id: Annotated[str, Path(max_length=64)],
                         request: CaseworkerMessageRequest) -> MessageView:
    dossier = service().get_dossier(principal(), dossier_id)  # the caller's read rights on the dossier apply
    message = outbound().send(principal(), dossier, request, app.current_event.request_context.request_id)
    logger.set_correlation_id(message.correlation_id)
    logger.info("federal message queued", message_id=message.message_id, dossier_id=dossier_id,
                event=message.event)
    return view(message)


@app.get("/api/messages", summary="Federal messages and receipts with status and history")
def list_messages(submissionId: Annotated[str | None, Query(max_length=64)] = None,
                  status: Annotated[MessageStatus | None, Query()] = None,
                  dossierId: Annotated[str | None, Query(max_length=64)] = None) -> MessageList:
    return MessageList(items=message_queries().list(principal(), submissionId, status, dossierId))


@app.get("/api/messages/<message_id>", summary="One federal message or receipt with its full history")
def get_message(message_id: Annotated[str, Path(max_length=64)]) -> MessageView:
    return message_queries().get(principal(), message_id)


@app.get("/api/ops/overview", summary="Queues, dead letters, documents per status, recent failures (ops)")
def ops_overview() -> OpsOverview:
    return OpsService(wiring.pipeline_monitor()).overview(principal())


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId", clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
