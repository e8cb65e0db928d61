"""Moderation of the ambassadors and follow-up of the relayed messages, for the national team
(superusers and members of a national-team organisation, with the permissions of its group).

Statuses change only through the actions (publish, refuse with a reason, withdraw), each calling
ambassadors/services.py, which emails the contact. The team may correct the texts of a listing;
the photo, the contact's email and the dates are read-only. A message held as suspected spam can
be released; the relay's email state (sent, failed with its error, attempts) is shown on each
message, and failed emails are resent from the emails' list of contacts.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from ambassadors import services
from ambassadors.models import Ambassador, Message
from contacts.models import is_national_team


class NationalTeamOnly:
    """The national team (with its group's model permissions) or a superuser."""

    def has_module_permission(self, request):
        return is_national_team(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_national_team(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return False  # ambassadors sign up themselves; messages come from the public

    def has_change_permission(self, request, obj=None):
        return is_national_team(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # personal data goes through withdrawal and retention, never a raw delete


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus (transmis à la copropriété)",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif du refus."},
    )


@admin.register(Ambassador)
class AmbassadorAdmin(NationalTeamOnly, admin.ModelAdmin):
    list_display = [
        "pk",
        "commune",
        "street",
        "network",
        "status",
        "connection_year",
        "dwellings",
        "created_at",
        "verified_at",
        "published_at",
        "edited_since_moderation",
    ]
    list_display_links = ["pk", "commune"]
    list_filter = ["status", "contact_role", ("network", admin.RelatedOnlyFieldListFilter)]
    search_fields = [
        "commune",
        "code_insee",
        "street",
        "address_label",
        "contact_email",
        "network__name",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["network"]
    actions = ["publish", "reject", "withdraw"]
    fieldsets = [
        (
            "Immeuble",
            {
                "fields": [
                    "address_label",
                    "street",
                    "commune",
                    "code_insee",
                    "network",
                    "location_text",
                ]
            },
        ),
        (
            "Témoignage (public)",
            {
                "fields": [
                    "connection_year",
                    "dwellings",
                    "works",
                    "testimony",
                    "photo_preview",
                    ("cost_eur", "cost_public"),
                    ("savings_percent", "savings_public"),
                ]
            },
        ),
        ("Contact (jamais public)", {"fields": ["contact_name", "contact_role", "contact_email"]}),
        (
            "Suivi",
            {
                "fields": [
                    "status",
                    "rejection_reason",
                    "moderated_by",
                    "created_at",
                    "consent_at",
                    "verified_at",
                    "moderated_at",
                    "published_at",
                    "edited_at",
                    "paused_at",
                    "withdrawn_at",
                    "public_link",
                ]
            },
        ),
    ]
    readonly_fields = [
        "address_label",
        "commune",
        "code_insee",
        "network",
        "location_text",
        "photo_preview",
        "contact_email",
        "status",
        "rejection_reason",
        "moderated_by",
        "created_at",
        "consent_at",
        "verified_at",
        "moderated_at",
        "published_at",
        "edited_at",
        "paused_at",
        "withdrawn_at",
        "public_link",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Ambassador.Status.WITHDRAWN:
            return [name for fieldset in self.fieldsets for name in _flat(fieldset[1]["fields"])]
        return self.readonly_fields

    @admin.display(description="position")
    def location_text(self, obj):
        if obj.location is None:
            return "—"
        return f"{obj.location.y:.6f}, {obj.location.x:.6f} (lat, lon)"

    @admin.display(description="photo")
    def photo_preview(self, obj):
        if not obj.photo:
            return "—"
        return format_html(
            '<img src="{}" alt="Photo envoyée par la copropriété" style="max-width:320px;height:auto">',
            reverse("ambassadors:photo", args=[obj.pk]),
        )

    @admin.display(description="fiche publique")
    def public_link(self, obj):
        if not obj.is_public:
            return "non publiée"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    @admin.display(description="modifiée depuis la modération", boolean=True)
    def edited_since_moderation(self, obj):
        if obj.edited_at is None:
            return None
        return obj.moderated_at is None or obj.edited_at > obj.moderated_at

    def save_model(self, request, obj, form, change):
        # Corrections of the texts only; the status never changes here (see the actions).
        if obj.status == Ambassador.Status.WITHDRAWN:
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Publier les copropriétés sélectionnées", permissions=["change"])
    def publish(self, request, queryset):
        done = 0
        for ambassador in queryset:
            try:
                services.publish(ambassador=ambassador, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{ambassador} : {error.messages[0]}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request, f"{done} copropriété(s) publiée(s) ; leur contact est prévenu."
            )

    @admin.action(
        description="Refuser (avec un motif) les copropriétés sélectionnées", permissions=["change"]
    )
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for ambassador in queryset:
                try:
                    services.reject(
                        ambassador=ambassador,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    self.message_user(
                        request, f"{ambassador} : {error.messages[0]}", messages.WARNING
                    )
                else:
                    done += 1
            if done:
                self.message_user(
                    request, f"{done} copropriété(s) refusée(s) ; leur contact est prévenu."
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Refuser des copropriétés ambassadrices",
            "form": form,
            "queryset": queryset,
            "action": "reject",
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/ambassadors/reject.html", context)

    @admin.action(
        description="Retirer et effacer les données personnelles des copropriétés sélectionnées",
        permissions=["change"],
    )
    def withdraw(self, request, queryset):
        count = 0
        for ambassador in queryset.exclude(status=Ambassador.Status.WITHDRAWN):
            services.withdraw(ambassador=ambassador)
            count += 1
        self.message_user(
            request, f"{count} copropriété(s) retirée(s), données personnelles effacées."
        )


def _flat(fields):
    for field in fields:
        if isinstance(field, (list, tuple)):
            yield from field
        else:
            yield field


@admin.register(Message)
class MessageAdmin(NationalTeamOnly, admin.ModelAdmin):
    list_display = [
        "created_at",
        "ambassador",
        "direction",
        "status",
        "email_status",
        "email_attempts",
        "email_error",
    ]
    list_filter = ["status", "direction", "email__status"]
    search_fields = ["asker_email", "asker_name", "ambassador__commune"]
    date_hierarchy = "created_at"
    list_select_related = ["ambassador", "email"]
    actions = ["release"]
    fields = [
        "ambassador",
        "thread",
        "direction",
        "status",
        "asker_name",
        "asker_email",
        "share_email",
        "building_address",
        "body",
        "email_link",
        "email_status",
        "email_attempts",
        "email_error",
        "created_at",
        "anonymised_at",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        # Read-only page; the "change" permission allows the release action.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="envoi", ordering="email__status")
    def email_status(self, obj):
        return obj.email.get_status_display() if obj.email else "—"

    @admin.display(description="tentatives")
    def email_attempts(self, obj):
        return obj.email.attempts if obj.email else "—"

    @admin.display(description="dernière erreur")
    def email_error(self, obj):
        return obj.email.last_error if obj.email and obj.email.last_error else "—"

    @admin.display(description="courriel")
    def email_link(self, obj):
        if not obj.email:
            return "—"
        url = reverse("admin:contacts_outgoingemail_change", args=[obj.email.pk])
        return format_html('<a href="{}">Courriel n° {}</a>', url, obj.email.pk)

    @admin.action(
        description="Transmettre les messages retenus sélectionnés", permissions=["change"]
    )
    def release(self, request, queryset):
        count = 0
        for message in queryset.filter(status=Message.Status.HELD):
            services.release(message=message)
            count += 1
        self.message_user(request, f"{count} message(s) transmis.")
