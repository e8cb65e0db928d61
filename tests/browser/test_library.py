import pytest
from django.core.management import call_command

from library.models import Document, DocumentDownload
from tests.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VOTE_GUIDE = "ce-que-l-assemblee-generale-doit-voter"


@pytest.fixture
def library(settings, tmp_path):
    """The starting content of the library, its files in a temporary media directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_library_content", verbosity=0)


def test_search_a_guide_open_it_and_download_it(page, library):
    page.goto("/ressources/")
    assert page.get_by_role("heading", level=1, name="Ressources").is_visible()
    assert serious_accessibility_violations(page) == []

    search = page.get_by_role("searchbox", name="Rechercher dans les ressources")
    search.fill("assemblee generale")
    search.press("Enter")
    page.wait_for_url("**/ressources/?q=assemblee+generale")
    results = page.locator("#liste-ressources .fr-card__title a")
    assert results.first.inner_text() == "Ce que l’assemblée générale doit voter"

    results.first.click()
    page.wait_for_url(f"**/ressources/{VOTE_GUIDE}/")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Ce que l’assemblée générale doit voter"
    )
    assert "majorité de l’article 25" in page.locator("article").inner_text()
    assert page.locator("#sources a").count() >= 2
    assert serious_accessibility_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le guide").click()
    download = download_info.value
    assert download.suggested_filename == f"{VOTE_GUIDE}.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read(5) == b"%PDF-"

    document = Document.objects.get(slug=VOTE_GUIDE)
    assert document.download_count == 1
    assert DocumentDownload.objects.filter(document=document).count() == 1
    assert page.console_errors == []


def test_filter_tags_work_without_javascript(browser, live_server, library):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/ressources/")
    page.get_by_role("link", name="Modèle", exact=True).click()
    page.wait_for_url("**/ressources/?type=modele")
    titles = page.locator("#liste-ressources .fr-card__title").all_inner_texts()
    assert titles == [
        "Modèle de résolution d’assemblée générale : raccordement à un réseau de chaleur"
    ]
    context.close()


def test_a_fictitious_example_says_so_and_the_page_is_accessible(page, library):
    page.goto("/ressources/exemple-fictif-une-copropriete-de-80-logements-raccordee/")
    assert "Exemple fictif" in page.locator("#avertissement-fictif").inner_text()
    assert serious_accessibility_violations(page) == []
