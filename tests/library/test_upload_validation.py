import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from library import filetypes
from library.models import Document, library_upload_to
from tests.library import samples
from tests.library.factories import DocumentFactory

MAX = 20 * 1024 * 1024


def inspect(data: bytes, name: str) -> filetypes.FileInfo:
    return filetypes.inspect(io.BytesIO(data), name)


def refusal(data: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        inspect(data, name)
    return error.value


# --- Accepted documents -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (samples.a_pdf(), "guide.pdf", "pdf"),
        (samples.a_pdf(), "GUIDE.PDF", "pdf"),
        (samples.an_ooxml("docx"), "modele.docx", "docx"),
        (samples.an_ooxml("xlsx"), "tableau.xlsx", "xlsx"),
        (samples.an_ooxml("pptx"), "presentation.pptx", "pptx"),
        (samples.an_odt(), "modele.odt", "odt"),
        (samples.an_odf("application/vnd.oasis.opendocument.spreadsheet"), "calcul.ods", "ods"),
        (samples.an_odf("application/vnd.oasis.opendocument.presentation"), "diapos.odp", "odp"),
        (samples.an_ole("WordDocument", "1Table"), "ancien.doc", "doc"),
        (samples.an_ole("Workbook"), "ancien.xls", "xls"),
        (samples.an_ole("PowerPoint Document"), "ancien.ppt", "ppt"),
    ],
)
def test_documents_are_recognised_from_their_content(data, name, kind):
    info = inspect(data, name)
    assert info.kind == kind
    assert info.size == len(data)
    assert len(info.sha256) == 64


# --- Refused files ----------------------------------------------------------------------------


def test_a_windows_executable_renamed_pdf_is_refused_in_french():
    error = refusal(samples.WINDOWS_EXE, "guide.pdf")
    assert error.code == "executable"
    assert error.messages == [
        "Ce fichier est un programme Windows, même s’il porte l’extension « .pdf » : il est "
        "refusé. Seuls les documents PDF, Word, Excel, PowerPoint ou OpenDocument sont acceptés."
    ]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (samples.LINUX_ELF, "rapport.docx", "executable"),
        (samples.SHELL_SCRIPT, "notice.pdf", "executable"),
        (samples.HTML_PAGE, "guide.pdf", "markup"),
        (samples.HTML_AFTER_WHITESPACE, "guide.pdf", "markup"),
        (samples.SVG_IMAGE, "schema.pdf", "markup"),
        (samples.PDF_WITH_HTML, "guide.pdf", "markup"),
        (samples.PDF_WITH_JAVASCRIPT, "guide.pdf", "active_content"),
        (samples.PLAIN_TEXT, "guide.pdf", "unknown_type"),
        (samples.a_zip_of("programme.exe", samples.WINDOWS_EXE), "archive.docx", "unknown_type"),
        (samples.an_ole("Workbook"), "ancien.doc", "unknown_type"),  # an Excel file named .doc
        (samples.an_ole("WordDocument", "_VBA_PROJECT"), "macros.doc", "macros"),
        (samples.an_ooxml("docx", macros=True), "macros.docx", "macros"),
        (b"", "vide.pdf", "empty"),
    ],
)
def test_dangerous_or_unknown_files_are_refused(data, name, code):
    assert refusal(data, name).code == code


def test_an_html_file_renamed_pdf_is_refused_in_french():
    error = refusal(samples.HTML_PAGE, "guide.pdf")
    assert "Ce fichier contient du HTML, du SVG ou un script : il est refusé." in error.messages[0]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (samples.an_ooxml("docx"), "guide.pdf"),
        (samples.a_pdf(), "guide.docx"),
        (samples.a_pdf(), "guide"),
        (samples.an_odt(), "modele.docx"),
    ],
)
def test_the_extension_must_agree_with_the_content(data, name):
    error = refusal(data, name)
    assert error.code == "extension_mismatch"
    assert "ne correspond pas à son contenu" in error.messages[0]


class SizedStream(io.BytesIO):
    """A file-like whose `size` says how big it is, holding only a few bytes: reading it past
    the header would show the check did not stop at the size."""

    def __init__(self, size: int, data: bytes = b"%PDF-1.4\n"):
        super().__init__(data)
        self.size = size
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return super().read(*args)


def test_a_file_over_20_mb_is_refused_before_being_read():
    stream = SizedStream(MAX + 1)
    with pytest.raises(ValidationError) as error:
        filetypes.inspect(stream, "gros.pdf")
    assert error.value.code == "too_large"
    assert error.value.messages == [
        "Le fichier dépasse la taille maximale de 20 Mo (20 971 521 octets)."
    ]
    assert stream.reads == 0


def test_a_file_of_exactly_20_mb_is_accepted():
    assert filetypes.inspect(SizedStream(MAX, samples.a_pdf()), "juste.pdf").kind == "pdf"


def test_the_size_of_a_file_without_size_attribute_is_measured(tmp_path):
    path = tmp_path / "gros.pdf"
    with path.open("wb") as sparse:  # a sparse file: 20 MB + 1 byte without writing them
        sparse.write(b"%PDF-1.4\n")
        sparse.seek(MAX)
        sparse.write(b"\x00")
    with path.open("rb") as stream, pytest.raises(ValidationError) as error:
        filetypes.inspect(stream, "gros.pdf")
    assert error.value.code == "too_large"


# --- Stored names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uploaded", "expected"),
    [
        ("../../etc/Évaluation finale (v2).PDF", r"library/evaluation-finale-v2-[0-9a-f]{12}\.pdf"),
        ("C:\\Users\\Syndic\\Bureau\\modèle AG.pdf", r"library/modele-ag-[0-9a-f]{12}\.pdf"),
        ("<script>.pdf", r"library/script-[0-9a-f]{12}\.pdf"),
        ("....pdf", r"library/document-[0-9a-f]{12}\.pdf"),
    ],
)
def test_stored_names_are_sanitised_with_a_random_suffix(uploaded, expected):
    document = Document(file_type="pdf")
    assert re.fullmatch(expected, library_upload_to(document, uploaded))


def test_the_stored_extension_is_the_checked_type_not_the_uploaded_one():
    document = Document(file_type="odt")
    assert library_upload_to(document, "modele.exe").endswith(".odt")


def test_two_uploads_of_the_same_name_never_collide():
    document = Document(file_type="pdf")
    assert library_upload_to(document, "a.pdf") != library_upload_to(document, "a.pdf")


# --- The model's validation (what the admin form runs) ----------------------------------------


@pytest.mark.django_db
def test_clean_checks_a_new_upload_and_records_its_type():
    document = DocumentFactory.build(slug="nouveau")
    document.file = SimpleUploadedFile("Mon Guide.pdf", samples.a_pdf(), content_type="text/html")
    document.full_clean()
    assert (document.file_type, document.file_size) == ("pdf", len(samples.a_pdf()))
    document.save()
    assert re.fullmatch(r"library/mon-guide-[0-9a-f]{12}\.pdf", document.file.name)


@pytest.mark.django_db
def test_clean_refuses_a_renamed_executable():
    document = DocumentFactory.build(slug="piege")
    document.file = SimpleUploadedFile(
        "guide.pdf", samples.WINDOWS_EXE, content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "programme Windows" in error.value.message_dict["file"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {
                "file": ContentFile(samples.a_pdf(), name="a.pdf"),
                "external_url": "https://example.fr/",
            },
            "external_url",
            "Un document a un fichier ou un lien externe, pas les deux.",
        ),
        (
            {"type": "video"},
            "external_url",
            "Une vidéo est publiée par un lien vers la plateforme qui l’héberge.",
        ),
        ({"type": "modele"}, "file", "Un modèle doit avoir un fichier à télécharger."),
        (
            {"sources": "Légifrance | javascript:alert(1)"},
            "sources",
            "Source « Légifrance » : l’adresse doit commencer par https:// ou http://.",
        ),
        (
            {"external_url": "ftp://example.fr/guide.pdf"},
            "external_url",
            "Saisissez une URL valide.",
        ),
    ],
)
def test_clean_enforces_the_rules_of_a_document(fields, field, message):
    document = DocumentFactory.build(slug="regles", **fields)
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert message in error.value.message_dict[field]


@pytest.mark.django_db
def test_the_database_refuses_a_file_and_a_link_together():
    from django.db import IntegrityError

    document = DocumentFactory(with_pdf=True)
    with pytest.raises(IntegrityError):
        Document.objects.filter(pk=document.pk).update(external_url="https://example.fr/")
