"""Two-factor authentication (TOTP) of the back office: required for the national team and
superusers, for every staff account when OTP_REQUIRED_FOR_ALL_STAFF is on; the login asks for
the code; an account without a device enrols one."""

import re
from base64 import b32decode

import pytest
from django.contrib.admin.models import LogEntry
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.backoffice.conftest import add_device, log_in
from tests.chauffage.test_settings import PRODUCTION, run_manage
from tests.contacts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-de-test"
ENROL = "/admin/securite/double-authentification/"


def code(device) -> str:
    """The code an authenticator application shows now for this device."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code(device) -> str:
    return f"{(int(code(device)) + 1) % 1_000_000:06d}"


def post_login(client, user, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": PASSWORD, "otp_token": token, "next": "/admin/"},
    )


@pytest.fixture
def national(national_user):
    national_user.set_password(PASSWORD)
    national_user.save()
    return national_user


def test_the_national_team_without_a_verified_device_is_refused(client, national, dalkia_lead):
    client.force_login(national)
    response = client.get("/admin/contacts/lead/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get(f"/admin/contacts/lead/{dalkia_lead.pk}/change/")
    assert response.status_code == 302


def test_a_superuser_needs_a_verified_device_too(client):
    admin = UserFactory(username="technique", is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302
    log_in(client, admin, verified=True)
    assert client.get("/admin/").status_code == 200


def test_the_login_refuses_the_password_alone_when_the_account_has_a_device(client, national):
    add_device(national)
    response = post_login(client, national)
    assert response.status_code == 200
    assert "Identifiant, mot de passe ou code incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_login_refuses_a_wrong_code(client, national):
    device = add_device(national)
    response = post_login(client, national, wrong_code(device))
    assert "Identifiant, mot de passe ou code incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_the_login_with_a_valid_totp_code_opens_the_back_office(client, national, dalkia_lead):
    device = add_device(national)
    response = post_login(client, national, code(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/contacts/lead/{dalkia_lead.pk}/change/").status_code == 200


def test_a_code_cannot_be_used_twice(client, national):
    device = add_device(national)
    token = code(device)
    post_login(client, national, token)
    client.logout()
    response = post_login(client, national, token)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_an_account_that_must_enrol_is_sent_to_the_enrolment_page(client, national):
    response = post_login(client, national)
    assert response.status_code == 302  # logged in with the password: nothing else yet
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == ENROL
    assert client.get("/admin/contacts/lead/").status_code == 302


def test_enrolment_shows_a_qr_code_and_confirms_the_device_with_a_code(client, national):
    client.force_login(national)
    response = client.get(ENROL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "otpauth://totp/France%20Chaleur%20Urbaine" in html
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', html)[1].replace(" ", "")
    device = TOTPDevice.objects.get(user=national, confirmed=False)
    assert b32decode(secret) == device.bin_key

    response = client.post(ENROL, {"otp_token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/contacts/lead/").status_code == 200  # this session is verified
    entry = LogEntry.objects.get(user=national)
    assert "Double authentification configurée" in entry.get_change_message()


def test_enrolment_refuses_a_wrong_code_then_slows_down(client, national):
    client.force_login(national)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=national, confirmed=False)
    response = client.post(ENROL, {"otp_token": wrong_code(device)})
    assert "Code incorrect ou expiré" in response.content.decode()
    response = client.post(ENROL, {"otp_token": code(device)})
    assert "Trop de codes incorrects" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_an_account_with_a_device_cannot_enrol_another_without_its_code(client, national):
    add_device(national)
    client.force_login(national)
    response = client.get(ENROL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not TOTPDevice.objects.filter(user=national, confirmed=False).exists()


def test_a_verified_account_replaces_its_device(client, national):
    log_in(client, national, verified=True)
    old = TOTPDevice.objects.get(user=national)
    client.get(ENROL)
    new = TOTPDevice.objects.get(user=national, confirmed=False)
    client.post(ENROL, {"otp_token": code(new)})
    assert list(TOTPDevice.objects.filter(user=national)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_an_operator_logs_in_with_a_password_when_otp_is_not_required_for_all(
    client, dalkia_user, settings
):
    dalkia_user.set_password(PASSWORD)
    dalkia_user.save()
    post_login(client, dalkia_user)
    assert client.get("/admin/contacts/lead/").status_code == 200
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    assert client.get("/admin/contacts/lead/").status_code == 302


def test_production_refuses_to_turn_two_factor_off_for_administrators():
    result = run_manage("check", env={**PRODUCTION, "OTP_REQUIRED_FOR_ADMINS": "false"})
    assert result.returncode != 0
    assert "OTP_REQUIRED_FOR_ADMINS" in result.stderr


def test_production_requires_two_factor_for_all_staff_by_default():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_ALL_STAFF)",
        env=PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_an_account_that_must_enrol_can_log_out(client, national):
    client.force_login(national)
    assert "Se déconnecter" in client.get(ENROL).content.decode()
    client.post("/admin/logout/")
    assert "_auth_user_id" not in client.session


def test_check_deploy_warns_when_operators_may_log_in_without_a_code():
    result = run_manage(
        "check", "--deploy", env={**PRODUCTION, "OTP_REQUIRED_FOR_ALL_STAFF": "false"}
    )
    assert "contacts.W001" in result.stdout + result.stderr
