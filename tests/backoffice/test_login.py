"""The back office's login: username, password and TOTP code checked together with one generic
error (a right password never shows through a wrong code), and failed logins throttled per
account and per client address (RATELIMIT_LOGIN_PER_*), with a 429, a French message saying
when to retry, and every refusal in the audit log."""

import logging
import re

import pytest

from contacts import login_attempts
from tests.backoffice.conftest import add_device
from tests.backoffice.test_otp import PASSWORD, code, wrong_code

pytestmark = pytest.mark.django_db

LOGIN_FAILED = "Identifiant, mot de passe ou code incorrect."
OTHER_ADDRESS = "203.0.113.9"


def login(client, username, password=PASSWORD, token="", address="127.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def page_without_csrf_token(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.fixture
def national(national_user):
    national_user.set_password(PASSWORD)
    national_user.save()
    return national_user


@pytest.fixture
def device(national):
    return add_device(national)


def test_a_wrong_password_and_a_right_one_with_a_wrong_code_get_the_same_page(
    client, national, device
):
    wrong_password = login(client, national.username, "pas-le-bon", wrong_code(device))
    right_password = login(client, national.username, PASSWORD, wrong_code(device))
    assert wrong_password.status_code == right_password.status_code == 200
    assert LOGIN_FAILED in right_password.content.decode()
    assert page_without_csrf_token(wrong_password) == page_without_csrf_token(right_password)
    assert "_auth_user_id" not in client.session


def test_a_right_password_without_a_code_gets_the_same_page_as_a_wrong_one(
    client, national, device
):
    wrong_password = login(client, national.username, "pas-le-bon")
    right_password = login(client, national.username, PASSWORD)
    assert LOGIN_FAILED in right_password.content.decode()
    assert page_without_csrf_token(wrong_password) == page_without_csrf_token(right_password)


def test_an_unknown_account_gets_the_same_error_as_a_wrong_password(client, national):
    response = login(client, "personne.inconnue")
    assert response.status_code == 200
    assert LOGIN_FAILED in response.content.decode()


def test_the_right_password_and_code_together_open_the_back_office(client, national, device):
    response = login(client, national.username, PASSWORD, code(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_account_without_a_device_still_logs_in_with_its_password_to_enrol(client, national):
    response = login(client, national.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(national.pk)
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == (
        "/admin/securite/double-authentification/"
    )


def test_too_many_failures_for_an_account_refuse_even_the_right_password_and_code(
    client, national, device, settings
):
    settings.RATELIMIT_LOGIN_PER_ACCOUNT = "3/900"
    for _ in range(3):
        assert login(client, national.username, "pas-le-bon").status_code == 200
    response = login(client, national.username, PASSWORD, code(device))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 900
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert "réessayez dans" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_limit_holds_from_another_address(client, national, device, settings):
    settings.RATELIMIT_LOGIN_PER_ACCOUNT = "3/900"
    for _ in range(3):
        login(client, national.username, "pas-le-bon")
    response = login(client, national.username, PASSWORD, code(device), address=OTHER_ADDRESS)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_too_many_failures_from_one_address_refuse_every_account_from_it(
    client, national, device, settings
):
    settings.RATELIMIT_LOGIN_PER_IP = "3/900"
    for username in ("a.inconnu", "b.inconnu", "c.inconnu"):
        login(client, username, "pas-le-bon")
    response = login(client, national.username, PASSWORD, code(device))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    response = login(client, national.username, PASSWORD, code(device), address=OTHER_ADDRESS)
    assert response.status_code == 302


def test_a_successful_login_clears_the_failures_of_its_account(client, national, device, settings):
    settings.RATELIMIT_LOGIN_PER_ACCOUNT = "3/900"
    for _ in range(2):
        login(client, national.username, "pas-le-bon")
    assert login(client, national.username, PASSWORD, code(device)).status_code == 302
    client.logout()
    # Counted from zero again: three more failures are answered, the fourth attempt is not.
    statuses = [login(client, national.username, "pas-le-bon").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert login(client, national.username, "pas-le-bon").status_code == 429


def test_wrong_codes_count_as_failures_of_the_account(client, national, device, settings):
    settings.RATELIMIT_LOGIN_PER_ACCOUNT = "2/900"
    login(client, national.username, PASSWORD, wrong_code(device))
    login(client, national.username, PASSWORD, "")
    assert login(client, national.username, PASSWORD, code(device)).status_code == 429


def test_every_refused_login_is_in_the_audit_log_with_its_reason(
    client, national, device, settings, caplog
):
    settings.RATELIMIT_LOGIN_PER_ACCOUNT = "2/900"
    with caplog.at_level(logging.WARNING, logger="contacts.audit"):
        login(client, national.username, "pas-le-bon")
        login(client, national.username, PASSWORD, wrong_code(device))
        login(client, national.username, PASSWORD, code(device))
    lines = [r.getMessage() for r in caplog.records if r.name == "contacts.audit"]
    assert len(lines) == 3
    assert "(bad_credentials)" in lines[0] and "'equipe.nationale'" in lines[0]
    assert "(wrong_code)" in lines[1] and f"user {national.pk}" in lines[1]
    assert "(throttled)" in lines[2] and "127.0.0.1" in lines[2]


def test_the_retry_message_says_when_to_retry_in_french():
    assert login_attempts.retry_message(661).endswith("réessayez dans 12 minutes.")
    assert login_attempts.retry_message(60).endswith("réessayez dans 1 minute.")
    assert login_attempts.retry_message(45).endswith("réessayez dans 45 secondes.")
