import pytest
from django.urls import reverse

FOOTER_PAGES = ["sitemap", "accessibility", "legal_notice", "personal_data", "cookies"]


@pytest.mark.django_db
def test_home_page_shows_the_dsfr_header_and_the_service_name(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="fr-header"' in html
    assert "République<br>française" in html
    assert "France Chaleur Urbaine" in html
    assert '<html lang="fr"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", FOOTER_PAGES)
def test_every_mandatory_footer_page_exists_and_is_linked_from_the_footer(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    home = client.get("/").content.decode()
    assert f'href="{url}"' in home


@pytest.mark.django_db
def test_the_footer_states_the_accessibility_compliance(client):
    assert "Accessibilité : non conforme" in client.get("/").content.decode()


@pytest.mark.django_db
def test_unknown_page_gets_the_dsfr_404_page(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()
    assert 'class="fr-header"' in response.content.decode()


def test_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Erreur inattendue" in html
    assert 'class="fr-footer"' in html


@pytest.mark.django_db
def test_pages_send_strict_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_the_scripts_of_a_page_carry_the_nonce_of_its_csp(client):
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.content.decode()
