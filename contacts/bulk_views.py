"""Back-office pages of bulk eligibility tests (mounted under /admin/test-en-masse/, each view
wrapped by `admin.site.admin_view`: staff with two-factor authentication done).

A staff member sees and launches the tests of their organisation; the national team sees all of
them. Another organisation's test is a 404, like a test that does not exist.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from contacts import bulk
from contacts.bulk_files import ROLES, BulkFileError
from contacts.models import BulkJob, membership_organisation

ALLOWED_EXTENSIONS = (".csv", ".txt", ".tsv")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier d’adresses ou de coordonnées",
        help_text=(
            "CSV ou TXT, 50 Mo et 200 000 lignes au plus ; la première ligne donne le nom des "
            "colonnes. Séparateur (; , tabulation |) et encodage (UTF-8, Latin-1, Windows-1252) "
            "détectés automatiquement."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(
                "Déposez un fichier .csv ou .txt (un classeur Excel s’enregistre au format CSV)."
            )
        if upload.size > settings.BULK_MAX_BYTES:
            raise forms.ValidationError(
                f"Le fichier dépasse {settings.BULK_MAX_BYTES // (1024 * 1024)} Mo : "
                "découpez-le en plusieurs fichiers."
            )
        return upload


def _render(request, template, context):
    request.current_app = admin.site.name
    return TemplateResponse(request, template, {**admin.site.each_context(request), **context})


def _job(request, pk) -> BulkJob:
    return get_object_or_404(BulkJob.objects.visible_to(request.user), pk=pk)


def upload(request):
    organisation = membership_organisation(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and organisation is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = bulk.create_job(
                organisation=organisation,
                name=upload.name,
                data=upload.read(),
                user=request.user,
            )
        except BulkFileError as error:
            form.add_error("file", error.message)
        else:
            return redirect("bulk:preview", pk=job.pk)
    return _render(
        request,
        "admin/bulk/upload.html",
        {"title": "Test d’éligibilité en masse", "form": form, "organisation": organisation},
    )


def preview(request, pk):
    job = _job(request, pk)
    if job.status != BulkJob.Status.DRAFT:
        return redirect("bulk:detail", pk=job.pk)
    error = None
    mapping = job.mapping
    if request.method == "POST":
        chosen = {}
        for index in range(len(job.columns)):
            role = request.POST.get(f"role_{index}", "")
            if role not in ROLES:
                error = "Rôle de colonne inconnu."
                break
            if role:
                if role in chosen:
                    error = f"Le rôle « {ROLES[role]} » est donné à deux colonnes."
                    break
                chosen[role] = index
        mapping = chosen
        if error is None:
            try:
                bulk.launch(job, chosen)
            except BulkFileError as failure:
                error = failure.message
            else:
                messages.success(request, "Le test est lancé : suivez son avancement ci-dessous.")
                return redirect("bulk:detail", pk=job.pk)
    try:
        inspection = bulk.preview(job)
    except BulkFileError as failure:
        messages.error(request, failure.message)
        return redirect("bulk:upload")
    role_of_column = {index: role for role, index in mapping.items()}
    columns = [
        {
            "index": index,
            "name": name or f"Colonne {index + 1}",
            "role": role_of_column.get(index, ""),
        }
        for index, name in enumerate(job.columns)
    ]
    width = len(job.columns)
    rows = [row[:width] + [""] * (width - len(row)) for row in inspection.preview]
    return _render(
        request,
        "admin/bulk/preview.html",
        {
            "title": f"Aperçu du fichier « {job.original_name} »",
            "job": job,
            "inspection": inspection,
            "columns": columns,
            "rows": rows,
            "roles": list(ROLES.items()),
            "error": error,
        },
    )


def job_list(request):
    jobs = BulkJob.objects.visible_to(request.user).select_related("organisation")
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return _render(
        request,
        "admin/bulk/list.html",
        {
            "title": "Tests d’éligibilité en masse",
            "page": page,
            "can_upload": membership_organisation(request.user) is not None,
        },
    )


def detail(request, pk):
    job = _job(request, pk)
    return _render(
        request,
        "admin/bulk/detail.html",
        {
            "title": f"Test en masse n° {job.pk}",
            "job": job,
            "can_rerun": bulk.can_rerun(job),
            "xlsx_pending": bulk.xlsx_pending(job),
            "time_left": bulk.duration_label(job.seconds_left),
        },
    )


def status(request, pk):
    job = _job(request, pk)
    data = bulk.status_json(job)
    data["detail_url"] = reverse("bulk:detail", args=[job.pk])
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


DOWNLOADS = {
    "csv": ("result_csv", "text/csv; charset=utf-8", "resultat-test-{pk}.csv"),
    "xlsx": (
        "result_xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "resultat-test-{pk}.xlsx",
    ),
    "source": ("input_file", "text/csv", "fichier-depose-test-{pk}.csv"),
}


def file_response(job: BulkJob, fmt: str) -> FileResponse:
    """A job's result or input file as an attachment; 404 when it does not exist (yet)."""
    if fmt not in DOWNLOADS:
        raise Http404("Format inconnu.")
    field_name, content_type, filename = DOWNLOADS[fmt]
    field = getattr(job, field_name)
    if not field or not field.storage.exists(field.name):
        raise Http404("Ce fichier n’est pas (encore) disponible.")
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=filename.format(pk=job.pk),
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def download(request, pk, fmt):
    return file_response(_job(request, pk), fmt)


def map_page(request, pk):
    job = _job(request, pk)
    if job.status != BulkJob.Status.DONE:
        return redirect("bulk:detail", pk=job.pk)
    data = bulk.map_data(job)
    return _render(
        request,
        "admin/bulk/map.html",
        {
            "title": f"Carte du test en masse n° {job.pk}",
            "job": job,
            "total": data["total"],
            "shown": data["shown"],
            "tiles_url": settings.MAP_TILES_URL,
            "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        },
    )


def points(request, pk):
    job = _job(request, pk)
    response = JsonResponse(bulk.map_data(job))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def rerun(request, pk):
    job = _job(request, pk)
    try:
        bulk.rerun(job)
    except BulkFileError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Le test est relancé sur le même fichier.")
    return redirect("bulk:detail", pk=job.pk)
