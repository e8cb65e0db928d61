"""Sign-up: the address first (autocomplete or geocoded text), then the network among the nearby
ones and the rest; saved pending verification, with the confirmation email."""

import pytest

from ambassadors.models import Ambassador
from contacts.models import OutgoingEmail
from tests.ambassadors.conftest import sign_up_data
from tests.eligibility.factories import PARIS_15, TAVERNY, HeatNetworkFactory, route_east_of

pytestmark = pytest.mark.django_db
URL = "/ambassadeurs/inscription/"


def test_the_first_step_asks_for_the_address_only(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Étape 1 sur 2" in html
    assert 'name="adresse"' in html and 'name="contact_email"' not in html
    assert 'data-autocomplete-url="/api/v1/addresses"' in html


def test_the_typed_address_is_geocoded_and_the_nearby_networks_offered(client, network):
    response = client.get(URL, {"adresse": "15 allée Paul Dukas Sarcelles"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Étape 2 sur 2" in html
    assert "15 Allée Paul Dukas 95200 Sarcelles" in html
    assert "Grand Ensemble Sarcelles-Locheres (9502C, DALKIA Paris la Defense) — à 48 m" in html
    assert f'value="{network.pk}"' in html


def test_networks_beyond_one_kilometre_are_not_offered(client, network):
    HeatNetworkFactory(network_id="7501C", name="CPCU", route=route_east_of(PARIS_15, 10))
    HeatNetworkFactory(
        network_id="9599C", name="Réseau à 1,5 km", route=route_east_of((48.974443, 2.372514), 1500)
    )
    html = client.get(URL, {"adresse": "15 allée Paul Dukas Sarcelles"}).content.decode()
    assert "Grand Ensemble Sarcelles-Locheres" in html
    assert "CPCU" not in html and "Réseau à 1,5 km" not in html


def test_a_network_without_route_in_the_commune_is_offered_too(client, network):
    HeatNetworkFactory(network_id="9585C", name="Réseau communal de Sarcelles", communes=["95585"])
    html = client.get(URL, {"adresse": "15 allée Paul Dukas Sarcelles"}).content.decode()
    assert "Réseau communal de Sarcelles (9585C, Dalkia) — dans la commune" in html


def test_an_address_without_any_network_nearby_is_told_so(client, network):
    label = "1 Place de la Gare 95150 Taverny"
    params = {
        "adresse": label,
        "label": label,
        "lat": TAVERNY[0],
        "lon": TAVERNY[1],
        "citycode": "95607",
    }
    html = client.get(URL, params).content.decode()
    assert "Aucun réseau de chaleur connu près de cette adresse" in html
    assert 'name="contact_email"' not in html


def test_an_unknown_address_is_refused_in_french(client, network):
    response = client.get(URL, {"adresse": "zzzz introuvable qqqq"})
    assert response.status_code == 404
    assert "Nous ne trouvons pas cette adresse" in response.content.decode()


def test_a_complete_sign_up_is_saved_pending_verification_and_emailed(
    client, network, committed, mailoutbox
):
    with committed():
        response = client.post(URL, sign_up_data(network=str(network.pk)))
    assert response.status_code == 302
    assert response["Location"] == "/ambassadeurs/inscription/merci/"

    ambassador = Ambassador.objects.get()
    assert ambassador.status == Ambassador.Status.PENDING_VERIFICATION
    assert ambassador.network == network
    assert ambassador.code_insee == "95585"
    assert ambassador.commune == "Sarcelles"
    assert ambassador.street == "Allée Paul Dukas"
    assert ambassador.address_label == "15 Allée Paul Dukas 95200 Sarcelles"
    assert (
        round(ambassador.location.y, 6) == 48.974443 and round(ambassador.location.x, 6) == 2.372514
    )
    assert ambassador.savings_public and not ambassador.cost_public
    assert ambassador.consent and ambassador.consent_at is not None

    (message,) = mailoutbox
    assert message.to == ["conseil.syndical@residence-dukas.example.fr"]
    assert message.subject == "Confirmez votre inscription de copropriété ambassadrice"
    assert f"/ambassadeurs/confirmer/{ambassador.verification_token}/" in message.body
    assert f"/ambassadeurs/gerer/{ambassador.manage_token}/" in message.body
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_without_javascript_the_address_is_geocoded_again_at_the_second_step(client, network):
    data = sign_up_data(network=str(network.pk), label="", lat="", lon="", citycode="")
    data["adresse"] = "15 allée Paul Dukas Sarcelles"
    assert client.post(URL, data).status_code == 302
    ambassador = Ambassador.objects.get()
    assert ambassador.code_insee == "95585" and ambassador.commune == "Sarcelles"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"testimony": ""}, "Écrivez votre témoignage : c’est lui que liront les copropriétés."),
        ({"contact_email": "pas-une-adresse"}, "Indiquez une adresse électronique valide"),
        ({"connection_year": "2999"}, "L’année de raccordement ne peut pas être dans le futur."),
        ({"connection_year": "deux mille"}, "Indiquez un nombre entier, sans espace ni unité."),
        ({"dwellings": "0"}, "Le nombre de logements doit être d’au moins 1."),
        ({"savings_percent": "150"}, "Indiquez une baisse entre 0 et 100 %."),
        ({"contact_role": ""}, "Indiquez si vous êtes membre du conseil syndical ou syndic."),
        ({"consent": ""}, "Cochez la case pour accepter la publication de votre témoignage"),
        ({"network": ""}, "Choisissez le réseau auquel l’immeuble est raccordé."),
        ({"testimony": "x" * 3001}, "3\u202f000 caractères au plus"),
    ],
)
def test_bad_inputs_are_refused_in_french_and_nothing_is_saved(
    client, network, committed, mailoutbox, overrides, message
):
    data = sign_up_data(**{"network": str(network.pk), **overrides})
    with committed():
        response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Le formulaire contient" in response.content.decode()
    assert Ambassador.objects.count() == 0
    assert mailoutbox == []


def test_a_network_that_is_not_nearby_is_refused(client, network):
    paris = HeatNetworkFactory(network_id="7501C", name="CPCU", route=route_east_of(PARIS_15, 10))
    response = client.post(URL, sign_up_data(network=str(paris.pk)))
    assert response.status_code == 400
    assert "Choisissez l’un des réseaux proposés." in response.content.decode()
    assert Ambassador.objects.count() == 0


def test_the_honeypot_saves_nothing_and_sends_nothing(client, network, committed, mailoutbox):
    with committed():
        response = client.post(
            URL, sign_up_data(network=str(network.pk), site_web="https://spam.example")
        )
    assert response.status_code == 302  # the robot is told nothing
    assert Ambassador.objects.count() == 0
    assert mailoutbox == []


def test_sign_ups_are_rate_limited(client, network, settings):
    settings.RATELIMIT_FORMS = "2/600"
    data = sign_up_data(network=str(network.pk), testimony="")
    assert client.post(URL, data).status_code == 400
    assert client.post(URL, data).status_code == 400
    response = client.post(URL, data)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_a_request_larger_than_a_photo_of_5_mb_is_refused_before_reading_it(client, network):
    response = client.post(
        URL,
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(6 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert Ambassador.objects.count() == 0
