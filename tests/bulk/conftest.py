"""Fixtures of the bulk eligibility tests: the real Sarcelles network (9502C, 48 m east of
15 allée Paul Dukas) and Villiers-le-Bel network (9514C), their operators and staff (from
tests/backoffice), the BAN addresses of the demo extract, files in the formats people send, and
uploads stored in a temporary MEDIA_ROOT."""

import pytest

from contacts.models import ApiToken
from tests.backoffice.conftest import (  # noqa: F401  (fixtures)
    coriance,
    coriance_user,
    dalkia,
    dalkia_client,
    dalkia_user,
    log_in,
    national_team,
    national_user,
    sarcelles_network,
    staff_groups,
    villiers_network,
)
from tests.geocoding.conftest import (  # noqa: F401  (fixtures)
    _demo_addresses_in_a_transaction,
    demo_addresses,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """`with run_tasks():` runs what waits for the commit (the job's task), as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_token(organisation, name="Outil SIG") -> tuple[ApiToken, str]:
    token = ApiToken(organisation=organisation, name=name)
    key = token.generate_key()
    token.save()
    return token, key


@pytest.fixture
def dalkia_key(dalkia):  # noqa: F811
    return make_token(dalkia)[1]


@pytest.fixture
def coriance_key(coriance):  # noqa: F811
    return make_token(coriance)[1]
