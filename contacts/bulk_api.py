"""The bulk eligibility API: an organisation's key (`Authorization: Bearer …`, contacts.ApiToken)
sends a file, then follows its job and downloads the results.

- `POST /api/v1/eligibility/bulk`: the file as multipart (`file`, optional `mapping`) or as the
  body (`Content-Type: text/csv`, optional `?mapping=`); 202 with the job's id and status URL.
- `GET /api/v1/eligibility/bulk/<id>`: status, progress and, when done, the result URLs.
- `GET /api/v1/eligibility/bulk/<id>/resultat.csv` and `.xlsx`: the results.

`mapping` is a JSON object, role → column name or number (from 0): {"lat": "latitude",
"lon": "longitude"}; without it, roles come from the column names. A missing, wrong or revoked
key is a 401; another organisation's job a 404; a bad file a 400 with a code. Rate limited per
client address (RATELIMIT_BULK_API).
"""

import json
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone

from chauffage import ratelimit
from chauffage.api import allow_methods, json_error, rate_limited
from contacts import bulk
from contacts.bulk_files import BulkFileError, mapping_from_names
from contacts.bulk_views import file_response
from contacts.models import ApiToken, BulkJob


def authenticated_token(request) -> ApiToken | None:
    """The active key of the request's `Authorization: Bearer` header; its use is recorded."""
    scheme, _, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key or len(key) > 200:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(key_hash=ApiToken.digest(key), revoked_at__isnull=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def bulk_endpoint(methods: set[str]):
    """Method check, rate limit, then the key: the view gets the token as its second argument."""

    def decorator(view):
        @allow_methods(*methods)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            limit = ratelimit.from_setting("bulk_api", settings.RATELIMIT_BULK_API)
            refused = rate_limited(request, limit)
            if refused:
                return refused
            token = authenticated_token(request)
            if token is None:
                response = json_error(
                    "unauthorized",
                    "Clé d’API absente, invalide ou révoquée : envoyez l’en-tête "
                    "« Authorization: Bearer <clé> » avec la clé de votre organisme.",
                    status=401,
                )
                response["WWW-Authenticate"] = 'Bearer realm="api"'
                return response
            response = view(request, token, *args, **kwargs)
            response["Cache-Control"] = "no-store"
            return response

        return wrapper

    return decorator


def _bad_file(error: BulkFileError) -> JsonResponse:
    status = 413 if error.code == "file_too_large" else 400
    return json_error(error.code, error.message, status=status)


def _job_json(request, job: BulkJob) -> dict:
    data = bulk.status_json(job)
    data["status_url"] = request.build_absolute_uri(reverse("bulk_api:job", args=[job.pk]))
    data["results"] = None
    if job.status == BulkJob.Status.DONE:
        data["results"] = {
            fmt: request.build_absolute_uri(reverse("bulk_api:result", args=[job.pk, fmt]))
            for fmt in ("csv", "xlsx")
            if fmt == "csv" or job.result_xlsx
        }
    return data


def _read_upload(request):
    """(file name, bytes, raw mapping) of the request; raises BulkFileError."""
    limit = settings.BULK_MAX_BYTES
    too_large = BulkFileError(
        "file_too_large",
        f"Le fichier dépasse {limit // (1024 * 1024)} Mo : découpez-le en plusieurs fichiers.",
    )
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        if upload is None:
            raise BulkFileError(
                "missing_file", "Envoyez le fichier dans le champ « file » (multipart/form-data)."
            )
        if upload.size > limit:
            raise too_large
        return upload.name, upload.read(), request.POST.get("mapping")
    if content_type in {"text/csv", "text/plain", "application/csv"}:
        data = request.read(limit + 1)
        if len(data) > limit:
            raise too_large
        return "fichier.csv", data, request.GET.get("mapping")
    raise BulkFileError(
        "unsupported_media_type",
        "Envoyez le fichier en multipart/form-data (champ « file ») ou comme corps de requête "
        "de type text/csv.",
    )


@bulk_endpoint({"POST"})
def create(request, token):
    job = None
    try:
        name, data, raw_mapping = _read_upload(request)
        mapping = None
        if raw_mapping:
            try:
                mapping = json.loads(raw_mapping)
            except ValueError as error:
                raise BulkFileError(
                    "invalid_mapping",
                    "« mapping » doit être un objet JSON : rôle → nom ou numéro de colonne.",
                ) from error
        with transaction.atomic():
            job = bulk.create_job(
                organisation=token.organisation, name=name, data=data, api_token=token
            )
            bulk.launch(
                job, mapping_from_names(mapping, job.columns) if mapping else dict(job.mapping)
            )
    except BulkFileError as error:
        if job is not None and job.input_file:  # refused: its stored copy goes too
            job.input_file.storage.delete(job.input_file.name)
        return _bad_file(error)
    job.refresh_from_db()
    response = JsonResponse(_job_json(request, job), status=202)
    response["Location"] = reverse("bulk_api:job", args=[job.pk])
    return response


def _own_job(token, pk) -> BulkJob | None:
    return BulkJob.objects.filter(organisation=token.organisation, pk=pk).first()


def _not_found():
    return json_error("not_found", "Aucun test de votre organisme n’a ce numéro.", status=404)


@bulk_endpoint({"GET", "HEAD"})
def job(request, token, pk):
    found = _own_job(token, pk)
    if found is None:
        return _not_found()
    return JsonResponse(_job_json(request, found))


@bulk_endpoint({"GET", "HEAD"})
def result(request, token, pk, fmt):
    found = _own_job(token, pk)
    if found is None or fmt not in {"csv", "xlsx"}:
        return _not_found()
    if found.status != BulkJob.Status.DONE or (fmt == "xlsx" and not found.result_xlsx):
        return json_error(
            "not_ready",
            "Ce résultat n’est pas encore prêt : suivez l’état du test à son adresse.",
            status=409,
        )
    try:
        return file_response(found, fmt)
    except Http404:
        return json_error("not_found", "Le fichier de résultats est introuvable.", status=404)
