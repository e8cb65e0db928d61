"""An email backend that fails like a provider that is down (settings.EMAIL_BACKEND in tests)."""

from anymail.exceptions import AnymailAPIError
from django.core.mail.backends.base import BaseEmailBackend


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise AnymailAPIError("Brevo API response 503: Service Unavailable")
