"""What the back-office journeys share: Dalkia's operator on the real Sarcelles network, with
two-factor authentication, and the login with a password and a TOTP code."""

from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import groups
from tests.contacts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, route_east_of

PASSWORD = "mot-de-passe-du-gestionnaire"


def sarcelles_operator(settings, *, organisation_email="", **user_fields):
    """Dalkia's operator on network 9502C (48 m east of 15 allée Paul Dukas), two-factor
    authentication required for all staff: (user, confirmed TOTP device)."""
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    groups.sync_groups()
    network = HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )
    dalkia = OrganisationFactory(
        name="Dalkia Île-de-France", email=organisation_email, networks=[network]
    )
    user = UserFactory(**{"username": "gestionnaire.dalkia", "first_name": "Claire", **user_fields})
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=groups.OPERATOR))
    MembershipFactory(user=user, organisation=dalkia)
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    return user, device


def current_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(page, user, device, *, path: str) -> None:
    """Opens `path`, logs in on the login page it leads to, and waits to be back on `path`."""
    page.goto(path)
    page.wait_for_url("**/admin/login/**")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code de vérification").fill(current_code(device))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{path}")
