"""Two operators on real Val-d'Oise networks (Dalkia on 9502C Sarcelles, Coriance on 9514C
Villiers-le-Bel), the Val-d'Oise energy agency, the national team, one staff account in each,
and their leads.

Two-factor authentication is as in production for the national team (tests of other apps turn
it off: see settings.OTP_REQUIRED_FOR_ADMINS); operators log in with a password only unless a
test turns OTP_REQUIRED_FOR_ALL_STAFF on.
"""

import pytest
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import groups
from tests.contacts.factories import (
    LeadFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, point, route_east_of

# 2 rue Sedar Senghor, 95400 Villiers-le-Bel (data/demo/addresses, BAN 95680_0519_00002).
VILLIERS = (49.004336, 2.419424)
VILLIERS_LABEL = "2 Rue Sedar Senghor 95400 Villiers-le-Bel"
SARCELLES_LABEL = "15 Allée Paul Dukas 95200 Sarcelles"


@pytest.fixture(autouse=True)
def backoffice_settings(settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    settings.OTP_REQUIRED_FOR_ALL_STAFF = False


@pytest.fixture(autouse=True)
def staff_groups(db):
    """The groups of the data migration (a transactional test elsewhere may have flushed them)."""
    groups.sync_groups()


@pytest.fixture
def sarcelles_network(db):
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )


@pytest.fixture
def villiers_network(db):
    return HeatNetworkFactory(
        network_id="9514C",
        name="Réseau de Villiers le Bel - Gonesse",
        operator="Société Thermique de Villiers le Bel Gonesse (CORIANCE)",
        route=route_east_of(VILLIERS, 30),
    )


@pytest.fixture
def dalkia(sarcelles_network):
    return OrganisationFactory(
        name="Dalkia Île-de-France",
        email="demandes@dalkia.example.fr",
        networks=[sarcelles_network],
    )


@pytest.fixture
def coriance(villiers_network):
    return OrganisationFactory(
        name="Coriance Villiers-le-Bel",
        email="demandes@coriance.example.fr",
        networks=[villiers_network],
    )


@pytest.fixture
def agency(db):
    return OrganisationFactory(energy_agency=True, departements=["95"])


@pytest.fixture
def national_team(db):
    return OrganisationFactory(national_team=True)


def staff(username, organisation, group):
    user = UserFactory(username=username, first_name="Alex", last_name=username.split(".")[-1])
    user.groups.add(Group.objects.get(name=group))
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def dalkia_user(dalkia):
    return staff("gestionnaire.dalkia", dalkia, groups.OPERATOR)


@pytest.fixture
def coriance_user(coriance):
    return staff("gestionnaire.coriance", coriance, groups.OPERATOR)


@pytest.fixture
def agency_user(agency):
    return staff("conseiller.95", agency, groups.ADVISOR)


@pytest.fixture
def national_user(national_team):
    return staff("equipe.nationale", national_team, groups.NATIONAL_TEAM)


@pytest.fixture
def dalkia_lead(dalkia):
    return LeadFactory(
        organisation=dalkia,
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@exemple.fr",
    )


@pytest.fixture
def coriance_lead(coriance):
    return LeadFactory(
        organisation=coriance,
        first_name="Dominique",
        last_name="Secret",
        email="dominique.secret@exemple.fr",
        company_name="Syndic Confidentiel",
        address_label=VILLIERS_LABEL,
        location=point(VILLIERS),
        code_insee="95680",
        distance_m=30,
        network_id="9514C",
        network_name="Réseau de Villiers le Bel - Gonesse",
    )


def add_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def log_in(client, user, *, verified=False):
    """Logs the user in; `verified`: as if they had given their TOTP code."""
    client.force_login(user)
    if verified:
        device = add_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def dalkia_client(client, dalkia_user):
    return log_in(client, dalkia_user)


@pytest.fixture
def national_client(client, national_user):
    return log_in(client, national_user, verified=True)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent():` runs what waits for the commit (enqueuing the emails), as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
