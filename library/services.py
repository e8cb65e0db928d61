"""Writes of the library that have side effects: counting a download, storing a checked file."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from library import filetypes
from library.models import Document, DocumentDownload


@transaction.atomic
def record_download(*, document: Document) -> None:
    """One more download of `document`: a dated row for the monthly statistics (no personal data)
    and the document's counter, incremented in the database (no lost update under load)."""
    DocumentDownload.objects.create(document=document, external=not document.file)
    Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)


def attach_file(*, document: Document, filename: str, content: bytes) -> bool:
    """Checks `content` as an upload would be checked and stores it as the document's file,
    unless the document already has exactly this file. Returns whether the file was replaced.
    The document is saved."""
    upload = ContentFile(content, name=filename)
    info = filetypes.inspect(upload, filename)
    if (
        document.file
        and document.file_sha256 == info.sha256
        and document.file.storage.exists(document.file.name)
    ):
        return False
    previous = document.file.name if document.file else None
    document.external_url = ""
    document.set_file_info(info)
    document.file.save(filename, upload, save=False)
    document.save()
    if previous and previous != document.file.name:
        document.file.storage.delete(previous)
    return True


def detach_file(*, document: Document) -> None:
    """Removes the document's file (from the storage too)."""
    if document.file:
        name = document.file.name
        document.file = None
        document.file_type, document.file_size, document.file_sha256 = "", None, ""
        document.save()
        document.file.storage.delete(name)
