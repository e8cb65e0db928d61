"""`create_demo_ambassadors` (`make run`, after the demo data and accounts): published, fictitious
ambassador condominiums at real addresses near the Sarcelles and Villiers-le-Bel routes, shown on
/ambassadeurs, on a nearby result page and on their network's page, and reachable through the
message relay."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ambassadors.models import Ambassador, Message
from contacts.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def run(command, **options) -> str:
    out = io.StringIO()
    call_command(command, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    settings.DEMO_ACCOUNTS_PASSWORD = "démonstration-de-test"
    run("load_demo_data")
    run("create_demo_accounts", no_leads=True)
    return run("create_demo_ambassadors")


def test_four_fictitious_ambassadors_are_published_near_two_demo_networks(demo):
    assert "4 copropriété(s) ambassadrice(s) fictive(s) publiée(s)." in demo
    ambassadors = Ambassador.objects.published()
    assert sorted(ambassadors.values_list("network__network_id", flat=True)) == [
        "9502C",
        "9502C",
        "9514C",
        "9514C",
    ]
    for ambassador in ambassadors:
        assert ambassador.testimony.startswith("Témoignage fictif de démonstration.")
        assert ambassador.contact_email.endswith("@example.org")
        assert "(fictif)" in ambassador.contact_name
        assert ambassador.moderated_by.username == "equipe.nationale"
        assert ambassador.verified_at and ambassador.published_at


def test_the_ambassadors_page_lists_them(client, demo):
    html = client.get(reverse("ambassadors:list")).content.decode()

    for street in ("Allée Albert Roussel", "Place du Docteur Guérin", "Place du Bois Joli"):
        assert street in html
    assert "Témoignage fictif de démonstration." in html
    assert "@example.org" not in html


def test_a_result_page_near_the_sarcelles_route_shows_its_ambassadors(client, demo):
    response = client.get(
        "/eligibilite/",
        {"adresse": "15 Allée Paul Dukas 95200 Sarcelles", "chauffage": "collective"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 copropriétés déjà raccordées à ce réseau témoignent" in html


def test_the_villiers_le_bel_network_page_shows_its_ambassadors(client, demo):
    response = client.get(reverse("eligibility:network_detail", args=["9514C"]))

    html = response.content.decode()
    assert "2 copropriétés raccordées à ce réseau partagent son expérience" in html
    assert "Place du Bois Joli" in html and "Place Berlioz" in html


def test_a_message_to_a_demo_ambassador_is_saved_and_relayed_to_its_example_address(
    client, demo, django_capture_on_commit_callbacks, mailoutbox
):
    ambassador = Ambassador.objects.get(street="Allée Albert Roussel")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ambassadors:message_form", args=[ambassador.pk]),
            {
                "asker_name": "Conseil syndical de démonstration",
                "asker_email": "demandeur@example.org",
                "building_address": "15 Allée Paul Dukas 95200 Sarcelles",
                "body": "Bonjour, combien de temps ont duré vos travaux ?",
                "site_web": "",
            },
        )

    assert response.status_code == 302
    message = Message.objects.get()
    assert message.ambassador == ambassador
    assert message.email.status == OutgoingEmail.Status.SENT
    (relayed,) = mailoutbox
    assert relayed.to == ["ambassadeur.albert-roussel@example.org"]
    assert "combien de temps ont duré vos travaux ?" in relayed.body


def test_running_it_again_adds_nothing(demo):
    again = run("create_demo_ambassadors")

    assert "Aucune copropriété ambassadrice de démonstration à ajouter." in again
    assert Ambassador.objects.count() == 4


def test_without_the_demo_data_it_publishes_nothing_and_says_why(settings):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_demo_ambassadors", stdout=out, stderr=err)

    assert not Ambassador.objects.exists()
    assert "manage.py load_demo_data" in err.getvalue()


def test_it_is_refused_in_production(settings):
    settings.DJANGO_ENV = "production"

    with pytest.raises(CommandError, match="Refusé en production"):
        run("create_demo_ambassadors")
    assert not Ambassador.objects.exists()
