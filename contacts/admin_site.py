"""The back office's admin site (`admin.site`, through contacts.admin_apps): the Django admin whose
login asks for the TOTP code (429 after too many failures: contacts/login_attempts.py), which refuses a session that two-factor authentication should have
verified and did not (contacts/otp.py says who), and which sends such an account without a device
to the enrolment page."""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from contacts import otp


class BackOfficeSite(admin.AdminSite):
    # Its titles are set in chauffage/urls.py.
    login_form = otp.BackOfficeAuthenticationForm
    login_template = "admin/backoffice/login.html"

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        return not otp.otp_required_for(user) or otp.is_verified(user)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        user = request.user
        if (
            request.method == "GET"
            and user.is_authenticated
            and otp.otp_required_for(user)
            and not otp.is_verified(user)
            and not otp.has_device(user)
        ):
            return redirect("admin:otp_enrol")
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if getattr(form, "retry_after", None):  # too many failed logins
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response

    def get_urls(self):
        return [
            # Logging out needs no verified session (the admin's own route would require one).
            path("logout/", never_cache(csrf_protect(self.logout)), name="logout"),
            path(
                "securite/double-authentification/",
                self._staff_only(self.otp_enrol),
                name="otp_enrol",
            ),
            *super().get_urls(),
        ]

    def _staff_only(self, view):
        """Logged-in active staff, verified or not (has_permission would refuse the ones who
        still have to enrol)."""

        def inner(request, *args, **kwargs):
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            return view(request, *args, **kwargs)

        return never_cache(csrf_protect(inner))

    def otp_enrol(self, request):
        """Adds an authenticator application (TOTP) to the account: QR code and secret, then the
        first code confirms it. Replacing a device needs a session verified by the current one."""
        user = request.user
        if otp.has_device(user) and not otp.is_verified(user):
            messages.warning(
                request,
                "Votre compte a déjà une application d’authentification : connectez-vous avec "
                "son code pour la remplacer.",
            )
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        device = otp.pending_device(user)
        form = otp.EnrolmentForm(request.POST or None, device=device)
        if request.method == "POST" and form.is_valid():
            otp.confirm_device(request, device)
            messages.success(request, "La double authentification est configurée sur ce compte.")
            return redirect("admin:index")
        context = {
            **self.each_context(request),
            "title": "Double authentification",
            "form": form,
            "otp_uri": device.config_url,
            "qr_code_svg": otp.qr_code_svg(device.config_url),
            "secret": otp.secret_base32(device),
            "required": otp.otp_required_for(user),
            "has_device": otp.has_device(user),
            "is_nav_sidebar_enabled": False,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/backoffice/otp_enrol.html", context)
