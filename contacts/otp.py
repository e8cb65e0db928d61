"""Two-factor authentication of the back office (TOTP, django-otp): who needs it, the login form
that asks for the code, and the enrolment of an authenticator application.

The login checks the username, the password and the code together, with one generic error, and
counts failures per account and per address (contacts/login_attempts.py).

Policy (settings): the national team and superusers need a verified device when
OTP_REQUIRED_FOR_ADMINS is on (always, except in the test suite); every staff account does when
OTP_REQUIRED_FOR_ALL_STAFF is on (the default in production). An account that has a device always
gives its code at login, required or not. An account that needs a device and has none logs in
with its password and is sent to the enrolment page, where it can do nothing else; once it has a
device, adding another one needs a session verified by the first.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import authenticate
from django.db import transaction
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import login_attempts
from contacts.models import is_national_team

DEVICE_NAME = "Application d’authentification"
# Error messages (French, shown to the staff member).
CODE_REQUIRED = "Saisissez le code à 6 chiffres affiché par votre application d’authentification."
CODE_INVALID = (
    "Code incorrect ou expiré : saisissez le code affiché en ce moment par l’application."
)
CODE_THROTTLED = "Trop de codes incorrects : attendez quelques secondes avant de réessayer."
# The login's only error: it never tells which of the three was wrong.
LOGIN_FAILED = "Identifiant, mot de passe ou code incorrect."


def otp_required_for(user) -> bool:
    """Whether this staff account must be verified by a device to use the back office."""
    if user is None or not user.is_active or not user.is_staff:
        return False
    if settings.OTP_REQUIRED_FOR_ALL_STAFF:
        return True
    return settings.OTP_REQUIRED_FOR_ADMINS and is_national_team(user)


def is_verified(user) -> bool:
    """True when this session was verified by one of the user's devices (OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def _token_field():
    return forms.CharField(
        label="Code de vérification",
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


def _clean_token(value: str) -> str:
    return "".join((value or "").split())


def verify(user, token: str, devices) -> TOTPDevice:
    """The device that accepts the token; raises a French ValidationError otherwise. Wrong codes
    are counted by django-otp and slow the next attempts down."""
    if not token:
        raise forms.ValidationError(CODE_REQUIRED, code="token_required")
    throttled = False
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if device.verify_token(token):
            return device
    if throttled:
        raise forms.ValidationError(CODE_THROTTLED, code="throttled")
    raise forms.ValidationError(CODE_INVALID, code="invalid_token")


class BackOfficeAuthenticationForm(AdminAuthenticationForm):
    """Username, password and the TOTP code of the account's device, checked together: any
    mistake gets the same message, so a wrong password and a right one with a wrong code look
    alike. An account without a device logs in with its password (and then enrols). Failed
    logins are counted per account and per address (contacts/login_attempts.py): beyond the
    limit, the login is refused (`retry_after` set, the page answers 429) even when right."""

    otp_token = _token_field()
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": LOGIN_FAILED,
        "inactive": LOGIN_FAILED,
    }
    retry_after: int | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:  # "Ce champ est obligatoire." on the field
            return self.cleaned_data
        wait = login_attempts.wait_seconds(self.request, username)
        if wait:
            self.retry_after = wait
            login_attempts.record_refusal(self.request, username)
            raise forms.ValidationError(login_attempts.retry_message(wait), code="throttled")
        user = authenticate(self.request, username=username, password=password)
        if user is None or not user.is_active or not user.is_staff:
            self._refuse(username, login_attempts.BAD_CREDENTIALS)
        devices = list(devices_for_user(user, confirmed=True))
        if devices:
            token = _clean_token(self.cleaned_data.get("otp_token"))
            # Not in a transaction: a wrong code must stay counted (django-otp's throttling).
            device = _accepting_device(token, devices)
            if device is None:
                self._refuse(username, login_attempts.WRONG_CODE, user)
            # django-otp's user_logged_in handler marks the session as verified.
            user.otp_device = device
        login_attempts.record_success(self.request, username)
        self.user_cache = user
        return self.cleaned_data

    def _refuse(self, username, reason, user=None):
        login_attempts.record_failure(self.request, username, reason=reason, user=user)
        raise forms.ValidationError(LOGIN_FAILED, code="invalid_login")


def _accepting_device(token: str, devices) -> TOTPDevice | None:
    """The device that accepts the token, if any; a device slowed down by its wrong codes
    refuses every token until its delay is over."""
    if not token:
        return None
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            return device
    return None


class EnrolmentForm(forms.Form):
    otp_token = _token_field()

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        token = _clean_token(self.cleaned_data.get("otp_token"))
        verify(self.device.user, token, [self.device])
        return token


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: created unconfirmed, confirmed by the first valid code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_device(request, device: TOTPDevice) -> None:
    """Makes the device the account's only one, verifies the session, and writes the audit log."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        LogEntry.objects.log_actions(
            request.user.pk,
            [device],
            ADDITION,
            change_message="Double authentification configurée (application TOTP).",
            single_object=True,
        )
    otp_login(request, device)


def secret_base32(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(data: str) -> str:
    """An SVG QR code of `data`, drawn by us from our own data (no user text in the markup)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")
