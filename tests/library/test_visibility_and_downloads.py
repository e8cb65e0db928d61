import datetime
import re

import pytest
from django.utils import timezone

from library import queries
from library.models import Document, DocumentDownload
from tests.library.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def content(response) -> bytes:
    return b"".join(response.streaming_content)


# --- What the public sees ---------------------------------------------------------------------


def test_the_detail_page_shows_the_summary_body_sources_and_download(client):
    document = DocumentFactory(
        title="Les étapes",
        summary="De la demande à la mise en service.",
        body="## Étape 1\n\nDemander une **étude**.",
        sources="Loi du 10 juillet 1965 | https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000880200/\nUn livre",
        with_pdf=True,
    )
    html = client.get(f"/ressources/{document.slug}/").content.decode()
    assert "De la demande à la mise en service." in html
    assert "<h2>Étape 1</h2>" in html and "<strong>étude</strong>" in html
    assert (
        '<a href="https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000880200/" rel="noopener">Loi du 10 juillet 1965</a>'
        in html
    )
    assert "<li>Un livre</li>" in html
    assert f'href="/ressources/{document.slug}/telecharger" download' in html
    assert re.search(r"PDF – \d+ Ko", html)


def test_html_typed_in_a_document_is_shown_never_run(client):
    document = DocumentFactory(
        title="<script>alert(1)</script>",
        body="<img src=x onerror=alert(1)> [clic](javascript:alert(1))",
    )
    html = client.get(f"/ressources/{document.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html


def test_an_illustrative_document_says_it_is_fictitious_in_the_list_and_on_its_page(client):
    document = DocumentFactory(title="Une copropriété raccordée", is_illustrative=True)
    assert "Exemple fictif" in client.get("/ressources/").content.decode()
    html = client.get(f"/ressources/{document.slug}/").content.decode()
    assert 'id="avertissement-fictif"' in html
    assert "la copropriété, les personnes et les chiffres ne sont pas réels" in html


@pytest.mark.parametrize(
    "hidden",
    [
        {"published": False},
        {"published_on": datetime.date.today() + datetime.timedelta(days=3)},
    ],
    ids=["unpublished", "publication-date-to-come"],
)
def test_a_document_not_published_is_invisible_in_the_list_by_url_and_by_download(client, hidden):
    document = DocumentFactory(title="Brouillon interne", with_pdf=True, **hidden)
    assert "Brouillon interne" not in client.get("/ressources/").content.decode()
    assert (
        "Brouillon interne" not in client.get("/ressources/", {"q": "brouillon"}).content.decode()
    )
    assert client.get(f"/ressources/{document.slug}/").status_code == 404
    assert client.get(f"/ressources/{document.slug}/telecharger").status_code == 404
    document.refresh_from_db()
    assert document.download_count == 0
    assert not DocumentDownload.objects.exists()


def test_an_unknown_slug_is_a_404(client):
    assert client.get("/ressources/n-existe-pas/").status_code == 404
    assert client.get("/ressources/n-existe-pas/telecharger").status_code == 404


def test_a_text_only_guide_has_no_download(client):
    document = DocumentFactory(title="Texte seul")
    html = client.get(f"/ressources/{document.slug}/").content.decode()
    assert "telecharger" not in html
    assert client.get(f"/ressources/{document.slug}/telecharger").status_code == 404


# --- Downloads --------------------------------------------------------------------------------


def test_a_download_is_counted_and_served_as_an_attachment_with_safe_headers(client):
    document = DocumentFactory(slug="les-etapes", with_pdf=True)
    stored = document.file.read()
    response = client.get("/ressources/les-etapes/telecharger")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="les-etapes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert content(response) == stored
    document.refresh_from_db()
    assert document.download_count == 1
    row = DocumentDownload.objects.get()
    assert (row.document, row.downloaded_on, row.external) == (
        document,
        timezone.localdate(),
        False,
    )


def test_each_download_adds_one(client):
    document = DocumentFactory(with_pdf=True)
    for _ in range(3):
        content(client.get(document.get_download_url()))
    document.refresh_from_db()
    assert document.download_count == 3
    assert DocumentDownload.objects.filter(document=document).count() == 3


def test_the_content_type_is_the_one_checked_at_upload_not_the_file_name(client):
    document = DocumentFactory(with_pdf=True)
    Document.objects.filter(pk=document.pk).update(file_type="odt")
    response = client.get(document.get_download_url())
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert response["Content-Disposition"].endswith(f'filename="{document.slug}.odt"')


def test_an_external_link_is_counted_then_redirected(client):
    document = DocumentFactory(
        type="video", external_url="https://www.dailymotion.com/video/x8exemple"
    )
    response = client.get(document.get_download_url())
    assert response.status_code == 302
    assert response["Location"] == "https://www.dailymotion.com/video/x8exemple"
    document.refresh_from_db()
    assert document.download_count == 1
    assert DocumentDownload.objects.get().external is True
    html = client.get(document.get_absolute_url()).content.decode()
    assert "Voir la vidéo" in html and "www.dailymotion.com" in html


def test_downloads_beyond_the_rate_limit_are_served_but_not_counted(client, settings):
    settings.RATELIMIT_DOWNLOADS = "2/3600"
    document = DocumentFactory(with_pdf=True)
    responses = [client.get(document.get_download_url()) for _ in range(4)]
    assert [response.status_code for response in responses] == [200] * 4
    document.refresh_from_db()
    assert document.download_count == 2
    assert DocumentDownload.objects.count() == 2


def test_a_file_missing_from_the_storage_is_a_404_and_not_counted(client):
    document = DocumentFactory(with_pdf=True)
    document.file.storage.delete(document.file.name)
    assert client.get(document.get_download_url()).status_code == 404
    document.refresh_from_db()
    assert document.download_count == 0


def test_the_download_url_answers_get_only(client):
    document = DocumentFactory(with_pdf=True)
    assert client.post(document.get_download_url()).status_code == 405
    assert client.head(document.get_download_url()).status_code == 405
    document.refresh_from_db()
    assert document.download_count == 0


def test_library_files_are_not_served_under_media(client):
    document = DocumentFactory(with_pdf=True)
    assert document.file.name.startswith("library/")
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_downloads_per_month_for_the_statistics(client):
    document = DocumentFactory(with_pdf=True)
    DocumentDownload.objects.create(document=document, downloaded_on=datetime.date(2025, 1, 15))
    DocumentDownload.objects.create(document=document, downloaded_on=datetime.date(2025, 1, 31))
    DocumentDownload.objects.create(document=None, downloaded_on=datetime.date(2025, 3, 1))
    assert queries.downloads_per_month() == [
        {"month": datetime.date(2025, 1, 1), "downloads": 2},
        {"month": datetime.date(2025, 3, 1), "downloads": 1},
    ]


def test_deleting_a_document_keeps_its_downloads_in_the_statistics(client):
    document = DocumentFactory(with_pdf=True)
    content(client.get(document.get_download_url()))
    document.delete()
    assert DocumentDownload.objects.get().document is None
