"""The demo data (`make run`: load_demo_data, then create_demo_accounts) gives every demo operator
condominiums to call in its default prospect list, with what the register says of them."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from contacts.models import Organisation
from eligibility.models import Condominium
from tests.backoffice.conftest import log_in

pytestmark = pytest.mark.django_db

URL = reverse("prospects:list")


@pytest.fixture
def demo(settings):
    settings.DEMO_ACCOUNTS_PASSWORD = "démonstration-de-test"
    for command in ("load_demo_data", "create_demo_accounts"):
        call_command(command, stdout=io.StringIO(), stderr=io.StringIO())


def default_list(client, username):
    log_in(client, get_user_model().objects.get(username=username))
    response = client.get(URL)
    assert response.status_code == 200
    return response


def test_every_demo_operator_with_a_network_gets_condominiums_to_call_by_default(client, demo):
    operators = Organisation.objects.filter(kind=Organisation.Kind.OPERATOR)
    users = {
        organisation.name: get_user_model()
        .objects.filter(membership__organisation=organisation)
        .get()
        .username
        for organisation in operators
        if organisation.networks.exists()
    }
    assert len(users) == 3

    totals = {
        name: default_list(client, username).context["total"] for name, username in users.items()
    }

    assert all(total > 0 for total in totals.values()), totals


def test_dalkia_is_told_to_call_the_real_les_mouettes_with_its_syndic(client, demo):
    response = default_list(client, "gestionnaire.dalkia")

    rows = {row.condominium.numero_immatriculation: row for row in response.context["rows"]}
    mouettes = rows["AA3160678"]  # a real condominium of the register's extract, in Sarcelles
    assert mouettes.condominium.name == "SDC LES MOUETTES"
    assert mouettes.network.id == "9502C"
    assert mouettes.distance_m == pytest.approx(254, abs=2)
    assert mouettes.condominium.nb_lot_habitation == 314
    content = response.content.decode()
    assert "BATIM ET FILS" in content
    assert "SIRET 48283194800039" in content
    assert "Fin du dernier mandat&nbsp;: 31 mars 2023" in content


def test_coriance_s_default_list_is_the_fictitious_condominiums_near_villiers_le_bel(client, demo):
    response = default_list(client, "gestionnaire.coriance")

    rows = response.context["rows"]
    assert [row.condominium.numero_immatriculation for row in rows] == [
        "DEMO950005",  # 131 m
        "DEMO950006",  # 156 m, heated with oil
        "DEMO950007",  # 223 m
        "DEMO950008",  # 276 m; DEMO950009 at 301 m is beyond the default 300 m
    ]
    assert all("fictive de démonstration" in row.condominium.name for row in rows)
    assert [row.network.id for row in rows] == ["9514C"] * 4


def test_the_electrically_heated_demo_condominium_is_only_listed_with_every_energy(client, demo):
    default = default_list(client, "gestionnaire.dalkia")
    everything = client.get(URL, {"energie": "toutes"})

    def numbers(response):
        return {row.condominium.numero_immatriculation for row in response.context["rows"]}

    assert "DEMO950004" not in numbers(default)
    assert "DEMO950004" in numbers(everything)


def test_loading_the_demo_accounts_again_adds_no_condominium(demo):
    before = Condominium.objects.count()

    call_command("create_demo_accounts", stdout=io.StringIO(), stderr=io.StringIO())

    assert Condominium.objects.count() == before == 868 + 9


def test_the_fictitious_condominiums_can_be_left_out(settings):
    settings.DEMO_ACCOUNTS_PASSWORD = "démonstration-de-test"

    call_command(
        "create_demo_accounts", no_condominiums=True, stdout=io.StringIO(), stderr=io.StringIO()
    )

    assert not Condominium.objects.exists()
