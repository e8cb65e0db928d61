"""The administration pages that the back office takes from its libraries (django-otp, django-dsfr)
answer like ours: a missing object is a 404, never a 500."""

import pytest

from tests.backoffice.conftest import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("racine", "racine@example.org", "x")
    log_in(client, user, verified=True)
    client.user = user
    return client


def test_no_device_secret_is_shown_in_the_admin_even_to_a_superuser(superuser_client):
    from tests.backoffice.conftest import add_device

    device = add_device(superuser_client.user)
    for pk in (device.pk, 999_999):  # an existing device, and one that does not exist (was a 500)
        for page in ("config", "qrcode"):
            url = f"/admin/otp_totp/totpdevice/{pk}/{page}/"
            assert superuser_client.get(url).status_code == 403
    change = superuser_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert device.key not in change.content.decode()


# Django 5.2 warns about the URL fields of django-dsfr's form (a warning, not an error, in
# production; the suite turns warnings into errors).
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
def test_the_site_settings_form_of_the_design_system_opens(superuser_client):
    assert superuser_client.get("/admin/dsfr/dsfrconfig/add/").status_code == 200
