"""The back office's organisations and staff (tests/backoffice/conftest.py: Dalkia on the real
Sarcelles network 9502C, Coriance on 9514C Villiers-le-Bel, the Val-d'Oise energy agency, the
national team), and condominiums placed at known ground distances from their routes."""

import pytest

from tests.backoffice.conftest import (  # noqa: F401 - fixtures shared with the back office
    VILLIERS,
    agency,
    agency_user,
    backoffice_settings,
    coriance,
    coriance_user,
    dalkia,
    dalkia_client,
    dalkia_user,
    log_in,
    national_client,
    national_team,
    national_user,
    sarcelles_network,
    staff,
    staff_groups,
    villiers_network,
)
from tests.eligibility.factories import SARCELLES, offset, point
from tests.prospects.factories import CondominiumFactory

# The Sarcelles route of the fixtures runs north–south 48 m east of SARCELLES: a point `x` metres
# west of SARCELLES is 48 + x metres from it.
SARCELLES_ROUTE_EAST_M = 48


def near_sarcelles(distance_m: float, **kwargs):
    """A condominium `distance_m` metres (ground distance) from the Sarcelles route."""
    west = distance_m - SARCELLES_ROUTE_EAST_M
    place = offset(SARCELLES, metres=abs(west), bearing=270 if west >= 0 else 90)
    return CondominiumFactory(location=point(place), **kwargs)


@pytest.fixture
def villiers_condominium(request):
    """At 2 rue Sedar Senghor, Villiers-le-Bel: 30 m from Coriance's route."""
    request.getfixturevalue("villiers_network")
    return CondominiumFactory(
        name="Résidence Sedar Senghor",
        adresse_reference="2 rue Sedar Senghor 95400 Villiers-le-Bel",
        code_insee="95680",
        location=point(VILLIERS),
    )
