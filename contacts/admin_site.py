"""The back office's admin site (`admin.site`, through contacts.admin_apps): the Django admin whose
login asks for the TOTP code (429 after too many failures: contacts/login_attempts.py), which refuses a session that two-factor authentication should have
verified and did not (contacts/otp.py says who), and which sends such an account without a device
to the enrolment page; its "voir sur le site" shortcut only leads to what the staff member may
see in the back office."""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
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
    # No side menu: on a 1280 px screen it took a quarter of the width from the lead list. The
    # home page lists everything; the breadcrumbs lead back to it.
    enable_nav_sidebar = False
    login_template = "admin/backoffice/login.html"

    def has_permission(self, request):
        user = request.user
        if not super().has_permission(request):
            return False
        return not otp.otp_required_for(user) or otp.is_verified(user)

    def index(self, request, extra_context=None):
        """The home page, with the counts of the leads waiting for this staff member."""
        from contacts.models import Lead

        counts = self.get_model_admin(Lead).home_counts(request)
        return super().index(request, {"lead_counts": counts, **(extra_context or {})})

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
            # Before Django's own route of the same name, which it replaces.
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *super().get_urls(),
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """The "voir sur le site" shortcut (`/admin/r/<type>/<id>/`). Django's own redirects any
        staff account to the get_absolute_url of any object; here the object must be one that
        the staff member may view in this back office (its ModelAdmin's queryset and
        permissions), else it is a 404, like an object that does not exist. Private pages have
        no get_absolute_url at all (`Lead.private_url`): a 404 for everybody."""
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            model = None
        if model is None or not self.is_registered(model):
            raise Http404("Aucun objet avec cet identifiant.")
        model_admin = self.get_model_admin(model)
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("Aucun objet avec cet identifiant.")
        return shortcut(request, content_type_id, object_id)

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
