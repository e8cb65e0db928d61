import re

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.postgres.search import SearchQuery
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import Document
from tests.library import samples
from tests.library.factories import DocumentFactory, TopicFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/library/document/add/"


def form_data(**overrides) -> dict:
    data = {
        "title": "Le guide du syndic",
        "slug": "le-guide-du-syndic",
        "type": "guide",
        "summary": "Tout pour préparer le raccordement.",
        "body": "## Étapes\n\nÉtudier, voter, raccorder.",
        "audiences": ["syndics"],
        "published": "on",
        "published_on": "2025-06-02",
        "author_organisation": "France Chaleur Urbaine",
        "sources": "Loi du 10 juillet 1965 | https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000880200/",
        "external_url": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def librarian(client):
    """A national-team staff member with only the library's permissions."""
    user = User.objects.create_user(
        "bibliothecaire", "biblio@example.fr", "un mot de passe sûr", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="library"))
    client.force_login(user)
    return user


def test_a_superuser_uploads_a_pdf_stored_under_a_sanitised_random_name(admin_client, media_root):
    topic = TopicFactory(name="Géothermie")
    upload = SimpleUploadedFile(
        "C:\\Mes documents\\Guide (final) ÉTÉ.pdf", samples.a_pdf(), content_type="text/html"
    )
    response = admin_client.post(ADD_URL, form_data(file=upload, topics=[topic.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get(slug="le-guide-du-syndic")
    assert re.fullmatch(r"library/guide-final-ete-[0-9a-f]{12}\.pdf", document.file.name)
    assert (media_root / document.file.name).read_bytes() == samples.a_pdf()
    assert (document.file_type, document.file_size) == ("pdf", len(samples.a_pdf()))
    # The topics saved after the document are in its search vector.
    query = SearchQuery("geothermie", config="french_unaccent")
    assert Document.objects.filter(search_vector=query).get() == document


def test_a_renamed_executable_is_refused_in_the_admin_with_a_french_message(
    admin_client, media_root
):
    upload = SimpleUploadedFile("guide.pdf", samples.WINDOWS_EXE, content_type="application/pdf")
    response = admin_client.post(ADD_URL, form_data(file=upload))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert "Ce fichier est un programme Windows" in errors[0]
    assert not Document.objects.exists()
    assert not (media_root / "library").exists()


def test_an_html_page_renamed_pdf_is_refused_in_the_admin(admin_client):
    upload = SimpleUploadedFile("guide.pdf", samples.HTML_PAGE, content_type="application/pdf")
    response = admin_client.post(ADD_URL, form_data(file=upload))
    assert "du HTML" in response.context["adminform"].form.errors["file"][0]
    assert not Document.objects.exists()


def test_a_file_and_a_link_together_are_refused(admin_client):
    upload = SimpleUploadedFile("guide.pdf", samples.a_pdf())
    response = admin_client.post(
        ADD_URL, form_data(file=upload, external_url="https://www.ecologie.gouv.fr/")
    )
    assert response.context["adminform"].form.errors["external_url"] == [
        "Un document a un fichier ou un lien externe, pas les deux."
    ]


def test_staff_with_the_library_permissions_manage_documents(client, librarian):
    assert client.get("/admin/library/document/").status_code == 200
    response = client.post(ADD_URL, form_data())
    assert response.status_code == 302
    assert Document.objects.get().title == "Le guide du syndic"


def test_staff_without_the_library_permissions_cannot(client):
    user = User.objects.create_user(
        "operateur", "op@example.fr", "un mot de passe sûr", is_staff=True
    )
    client.force_login(user)
    assert client.get("/admin/library/document/").status_code == 403
    assert client.post(ADD_URL, form_data()).status_code == 403
    document = DocumentFactory(with_pdf=True, unpublished=True)
    assert client.get(reverse("admin:library_document_file", args=[document.pk])).status_code == 403


def test_the_change_page_links_the_file_to_the_admin_download_not_to_media(admin_client):
    document = DocumentFactory(with_pdf=True, unpublished=True)
    html = admin_client.get(f"/admin/library/document/{document.pk}/change/").content.decode()
    file_url = reverse("admin:library_document_file", args=[document.pk])
    assert f'href="{file_url}"' in html
    assert "/media/" not in html
    response = admin_client.get(file_url)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    document.refresh_from_db()
    assert document.download_count == 0  # staff previews are not public downloads


def test_editing_a_document_without_a_new_file_keeps_it(admin_client):
    document = DocumentFactory(with_pdf=True)
    name = document.file.name
    url = f"/admin/library/document/{document.pk}/change/"
    response = admin_client.post(url, form_data(title="Titre corrigé", slug=document.slug))
    assert response.status_code == 302, response.context["adminform"].form.errors
    document.refresh_from_db()
    assert (document.title, document.file.name, document.file_type) == (
        "Titre corrigé",
        name,
        "pdf",
    )


def test_replacing_or_clearing_a_file_removes_the_old_one_from_the_storage(
    admin_client, media_root
):
    document = DocumentFactory(with_pdf=True)
    old = document.file.name
    url = f"/admin/library/document/{document.pk}/change/"
    upload = SimpleUploadedFile("nouvelle version.pdf", samples.a_pdf("## Version 2"))
    response = admin_client.post(url, form_data(slug=document.slug, file=upload))
    assert response.status_code == 302, response.context["adminform"].form.errors
    document.refresh_from_db()
    assert document.file.name != old and not (media_root / old).exists()
    assert (media_root / document.file.name).exists()
    response = admin_client.post(url, form_data(slug=document.slug, **{"file-clear": "on"}))
    assert response.status_code == 302, response.context["adminform"].form.errors
    document.refresh_from_db()
    assert (document.file.name, document.file_type) == ("", "")
    assert list((media_root / "library").iterdir()) == []
