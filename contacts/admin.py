"""The operators' back office (Django admin, customised; French).

Least privilege between organisations: a staff member reaches the leads of their organisation
only (`Lead.objects.visible_to`), the national team (and superusers) all of them. Every way in goes
through `LeadAdmin.get_queryset` or `has_*_permission(obj)`: the list, its filters (whose choices
come from the visible leads), the search and the autocomplete, the change, history and delete
URLs (another organisation's lead is a 404, like a lead that does not exist), the exports, the
inlines, the action pages. The model permissions come from the groups of contacts/groups.py.

What the requester sent is read-only. Staff act on a lead through the action forms of its page
(contacts/admin_forms.py), each calling one service of contacts/services.py that records who did
what and when (LeadEvent): there is no ModelAdmin save.
"""

from urllib.parse import quote, urlencode

from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst

from chauffage import formatting
from chauffage.admin_audit import ValuesInJournal, describe_changes
from contacts import admin_forms, exports, phones, services
from contacts.models import (
    ApiToken,
    BulkJob,
    Lead,
    LeadEvent,
    Membership,
    Organisation,
    OutgoingEmail,
    is_national_team,
    membership_organisation,
)
from contacts.routing import CATEGORY_LABELS


class NationalTeamOnly:
    """Model permissions and membership of the national team (or superuser)."""

    def has_module_permission(self, request):
        return is_national_team(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_national_team(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_national_team(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_national_team(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class NotFoundWhenHidden:
    """A hidden or missing object is a 404, the same for both: no message saying which."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(f"Aucun objet « {opts.verbose_name} » avec cet identifiant.")


# --- Organisations ------------------------------------------------------------------------------


class MembershipInline(NationalTeamOnly, admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return is_national_team(request.user) and request.user.has_perm(
            "contacts.delete_membership"
        )


@admin.register(Organisation)
class OrganisationAdmin(ValuesInJournal, NationalTeamOnly, NotFoundWhenHidden, admin.ModelAdmin):
    list_display = ["name", "kind", "email", "territory"]
    list_filter = ["kind"]
    search_fields = ["name", "email"]
    filter_horizontal = ["networks", "future_networks"]
    inlines = [MembershipInline]

    @admin.display(description="territoire")
    def territory(self, organisation):
        return ", ".join([*organisation.departements, *organisation.communes])


# --- Leads --------------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """The statuses of product.md; moderation only for the national team (nobody else sees it)."""

    title = "statut"
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        national = is_national_team(request.user)
        return [
            (value, label)
            for value, label in Lead.Status.choices
            if national or value not in services.NATIONAL_TEAM_STATUSES
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


class NetworkFilter(admin.SimpleListFilter):
    """The networks of the leads this staff member sees, never another organisation's."""

    title = "réseau"
    parameter_name = "reseau"

    def lookups(self, request, model_admin):
        networks = {}
        visible = model_admin.get_queryset(request).exclude(network_id="").order_by("network_id")
        for network_id, name in visible.values_list("network_id", "network_name").distinct():
            networks.setdefault(network_id, f"{network_id} {name}".strip())
        return list(networks.items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(network_id=self.value())
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    """The leads still "À traiter": new ones, and those waiting longer than the reminder delay
    (the home page's counts link here)."""

    title = "délai de traitement"
    parameter_name = "attente"
    NEW = "nouvelle"
    PENDING = "plus-de-7-jours"

    def lookups(self, request, model_admin):
        days = Lead.REMINDER_AFTER_DAYS
        return [
            (self.NEW, f"Nouvelles (moins de {days} jours)"),
            (self.PENDING, f"À traiter depuis plus de {days} jours"),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.NEW:
            return queryset.new_to_handle(timezone.now())
        if self.value() == self.PENDING:
            return queryset.pending_too_long(timezone.now())
        return queryset


class ReassignmentRequestedFilter(admin.SimpleListFilter):
    title = "réaffectation demandée"
    parameter_name = "reaffectation"

    def lookups(self, request, model_admin):
        return [("oui", "Oui")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(reassignment_requested_at__isnull=False)
        return queryset


class LeadInlineMixin:
    """Read-only history under a lead: visible when the lead is."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        lead_admin = self.admin_site.get_model_admin(Lead)
        return super().has_view_permission(request, obj) and lead_admin.has_view_permission(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LeadEventInline(LeadInlineMixin, admin.TabularInline):
    model = LeadEvent
    fields = [
        "created_at",
        "kind",
        "author",
        "from_status",
        "to_status",
        "from_organisation_name",
        "to_organisation_name",
        "note",
    ]
    readonly_fields = fields
    verbose_name_plural = "historique (qui, quand, quoi)"

    # Names, not links: the staff of an operator may not open users or organisations.
    @admin.display(description="auteur")
    def author(self, event):
        if event.actor is None:
            return "le service ou le demandeur"
        return event.actor.get_full_name() or event.actor.get_username()

    @admin.display(description="organisme précédent")
    def from_organisation_name(self, event):
        return event.from_organisation.name if event.from_organisation else "-"

    @admin.display(description="nouvel organisme")
    def to_organisation_name(self, event):
        return event.to_organisation.name if event.to_organisation else "-"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "from_organisation", "to_organisation")
        )


class OutgoingEmailInline(LeadInlineMixin, admin.TabularInline):
    model = OutgoingEmail
    fields = ["created_at", "kind", "recipient", "subject", "status", "attempts", "last_error"]
    readonly_fields = fields
    verbose_name_plural = "courriels envoyés, en attente ou en échec"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_national_team(request.user):
            return queryset
        # An organisation sees what went to the requester and to itself, not to others.
        organisation = membership_organisation(request.user)
        own = organisation.notification_emails() if organisation is not None else []
        return queryset.filter(Q(kind__in=OutgoingEmail.TO_REQUESTER) | Q(recipient__in=own))


REQUEST_FIELDS = ["request_type_wish", "requester_role"]
REQUESTER_FIELDS = [
    "structure",
    "professional_kind",
    "company_name",
    "first_name",
    "last_name",
    "email_link",
    "phone_link",
]
BUILDING_FIELDS = [
    "address_label",
    "code_insee",
    "heating_type",
    "heating_energy",
    "dwellings",
    "floor_area_m2",
    "boiler_age_years",
    "boiler_replacement",
    "general_assembly_date",
    "comment",
]
ELIGIBILITY_FIELDS = ["category_label", "eligible", "distance_m", "network_id", "network_name"]
FOLLOWUP_FIELDS = [
    "status",
    "organisation_name",
    "routing_reason",
    "reassignment_requested_at",
    "created_at",
    "last_activity_at",
    "reminder_sent_at",
    "followup_sent_at",
    "followup_contacted",
    "followup_answered_at",
    "consent_at",
    "anonymised_at",
]


@admin.register(Lead)
class LeadAdmin(NotFoundWhenHidden, admin.ModelAdmin):
    # What an operator reads to call back, in a table that fits a 1280 px screen.
    list_display = [
        "received_on",
        "requester",
        "phone_link",
        "address_label",
        "verdict",
        "request_type",
        "status",
    ]
    list_display_links = ["received_on", "address_label"]
    list_select_related = ["organisation"]
    search_fields = ["first_name", "last_name", "email", "company_name", "address_label"]
    search_help_text = "Nom, adresse électronique, société, adresse ou commune."
    date_hierarchy = "created_at"
    list_per_page = 50
    view_on_site = False  # the requester's private link is theirs alone
    actions = ["export_csv", "export_xlsx"]
    inlines = [LeadEventInline, OutgoingEmailInline]
    fieldsets = [
        ("Demande", {"fields": REQUEST_FIELDS}),
        ("Demandeur", {"fields": REQUESTER_FIELDS}),
        ("Bâtiment et chauffage", {"fields": BUILDING_FIELDS}),
        ("Éligibilité au moment de la demande", {"fields": ELIGIBILITY_FIELDS}),
        ("Orientation et suivi", {"fields": FOLLOWUP_FIELDS}),
    ]
    readonly_fields = (
        REQUEST_FIELDS + REQUESTER_FIELDS + BUILDING_FIELDS + ELIGIBILITY_FIELDS + FOLLOWUP_FIELDS
    )
    change_form_template = "admin/contacts/lead/change_form.html"
    change_list_template = "admin/contacts/lead/change_list.html"

    # Scope ---------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _in_scope(self, request, lead) -> bool:
        return Lead.objects.visible_to(request.user).filter(pk=lead.pk).exists()

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self._in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._in_scope(request, obj))

    def has_add_permission(self, request):
        return False  # leads come from the public form

    def has_delete_permission(self, request, obj=None):
        # Personal data leaves through anonymisation, which keeps the statistics.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_list_filter(self, request):
        filters = [
            StatusFilter,
            WaitingFilter,
            NetworkFilter,
            "request_type",
            "requester_role",
            "heating_energy",
            "heating_type",
        ]
        if is_national_team(request.user):
            filters += [
                ("organisation", admin.RelatedOnlyFieldListFilter),
                ReassignmentRequestedFilter,
                "eligible",
            ]
        return filters

    # Columns -------------------------------------------------------------------------------

    def get_list_display(self, request):
        if is_national_team(request.user):
            return [*self.list_display, "recipient"]
        return self.list_display

    @admin.display(description="reçue le", ordering="created_at")
    def received_on(self, lead):
        moment = timezone.localtime(lead.created_at)
        return format_html(
            '{}<br><span class="lead-time">{}</span>', f"{moment:%d/%m/%Y}", f"{moment:%H:%M}"
        )

    @admin.display(description="demandeur", ordering="last_name")
    def requester(self, lead):
        if lead.is_anonymised:
            return "Demande anonymisée"
        name = lead.requester_name or "(nom non indiqué)"
        if lead.company_name:
            name = f"{name} ({lead.company_name})"
        if lead.requester_role:
            name = format_html("{}<br>{}", name, lead.get_requester_role_display())
        if not lead.email:
            return name
        return format_html("{}<br>{}", name, self.email_link(lead))

    @admin.display(description="adresse électronique")
    def email_link(self, lead):
        if not lead.email:
            return self.get_empty_value_display()
        href = "mailto:" + quote(lead.email, safe="@+")
        return format_html('<a href="{}" class="lead-email">{}</a>', href, lead.email)

    @admin.display(description="téléphone")
    def phone_link(self, lead):
        if not lead.phone:
            return self.get_empty_value_display()
        number = phones.e164(lead.phone)
        if not number:
            return phones.grouped(lead.phone)
        return format_html(
            '<a href="tel:{}" class="lead-phone">{}</a>', number, phones.grouped(lead.phone)
        )

    @admin.display(description="éligibilité", ordering="distance_m")
    def verdict(self, lead):
        if lead.eligible is None:
            verdict = "Adresse non localisée" if not lead.category else "Non évaluée"
        else:
            verdict = "Éligible" if lead.eligible else "Non éligible"
        if lead.distance_m is None or not lead.network_id:
            return verdict
        distance = formatting.number(lead.distance_m)
        return format_html("{}<br>{} m du réseau {}", verdict, distance, lead.network_id)

    @admin.display(description="organisme", ordering="organisation__name")
    def recipient(self, lead):
        if lead.organisation is None:
            return "File de tri"
        return lead.organisation.name

    @admin.display(description="organisme destinataire")
    def organisation_name(self, lead):
        if lead.organisation is None:
            return "File de tri de l’équipe nationale"
        return f"{lead.organisation.name} ({lead.organisation.get_kind_display().lower()})"

    @admin.display(description="objet de la demande")
    def request_type_wish(self, lead):
        return capfirst(lead.request_type_wish)

    @admin.display(description="remplacement de la chaudière prévu")
    def boiler_replacement(self, lead):
        return lead.boiler_replacement_month or "-"

    @admin.display(description="catégorie d’éligibilité")
    def category_label(self, lead):
        return CATEGORY_LABELS.get(lead.category, lead.category)

    # The back office's home page ------------------------------------------------------------

    def home_counts(self, request) -> list[dict]:
        """What waits for this staff member, counted among the leads they see (the list's own
        queryset), each with the link to the list filtered the same way."""
        if not self.has_view_permission(request):
            return []
        now = timezone.now()
        visible = self.get_queryset(request)
        counts = [
            (
                "Nouvelles demandes",
                f"« {Lead.Status.NEW.label} », reçues il y a moins de "
                f"{Lead.REMINDER_AFTER_DAYS} jours",
                visible.new_to_handle(now),
                {WaitingFilter.parameter_name: WaitingFilter.NEW},
            ),
            (
                f"En attente depuis plus de {Lead.REMINDER_AFTER_DAYS} jours",
                f"Toujours « {Lead.Status.NEW.label} » : le demandeur attend d’être recontacté",
                visible.pending_too_long(now),
                {WaitingFilter.parameter_name: WaitingFilter.PENDING},
            ),
        ]
        if is_national_team(request.user):
            counts += [
                (
                    "En modération",
                    "Suspectées d’être indésirables : à libérer ou à laisser en modération",
                    visible.filter(status=Lead.Status.MODERATION),
                    {StatusFilter.parameter_name: Lead.Status.MODERATION},
                ),
                (
                    "Dans la file de tri",
                    f"« {Lead.Status.NEW.label} », adressées à aucun organisme : à réaffecter",
                    visible.filter(organisation__isnull=True, status=Lead.Status.NEW),
                    {
                        "organisation__isnull": "True",
                        StatusFilter.parameter_name: Lead.Status.NEW,
                    },
                ),
                (
                    "Réaffectation demandée",
                    "Par l’organisme destinataire, motif à lire sur la demande",
                    visible.filter(reassignment_requested_at__isnull=False),
                    {ReassignmentRequestedFilter.parameter_name: "oui"},
                ),
            ]
        changelist = reverse("admin:contacts_lead_changelist", current_app=self.admin_site.name)
        return [
            {
                "label": label,
                "help": help_text,
                "count": queryset.count(),
                "url": f"{changelist}?{urlencode(query)}",
            }
            for label, help_text, queryset, query in counts
        ]

    # Change page: read-only, with the action forms ------------------------------------------

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Demandes de contact", **(extra_context or {})}
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        lead = self.get_object(request, unquote(object_id))
        context = {
            "title": "Demande de contact",
            "show_save": False,
            "show_save_and_continue": False,
            "show_delete": False,
        }
        if lead is not None and self.has_change_permission(request, lead):
            context["lead_actions"] = self._action_forms(request, lead)
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def _action_forms(self, request, lead):
        national = is_national_team(request.user)
        forms = []
        for slug, form_class in admin_forms.ACTIONS.items():
            if form_class.national_team_only and not national:
                continue
            if slug == "demande-de-reaffectation" and national:
                continue  # the national team reassigns directly
            form = form_class(lead=lead, user=request.user)
            if slug == "renvoi-courriel" and not form.fields["email"].queryset.exists():
                continue
            if slug == "statut" and not form.statuses:
                continue
            if slug == "reponse" and (lead.is_anonymised or lead.status in Lead.WITHHELD_STATUSES):
                continue
            forms.append((slug, form, self._action_url(lead, slug)))
        return forms

    def _action_url(self, lead, slug):
        return reverse(
            "admin:contacts_lead_action", args=[lead.pk, slug], current_app=self.admin_site.name
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/traiter/<slug:action>/",
                self.admin_site.admin_view(self.lead_action),
                name="contacts_lead_action",
            ),
            path(
                "export/<slug:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="contacts_lead_export",
            ),
            *super().get_urls(),
        ]

    def lead_action(self, request, object_id, action):
        """One action on a lead: its form alone on a page (GET, or POST with errors); a valid
        POST calls the service and goes back to the lead."""
        form_class = admin_forms.ACTIONS.get(action)
        lead = self.get_object(request, unquote(object_id))
        if form_class is None or lead is None:
            raise Http404("Action ou demande introuvable.")
        if not self.has_change_permission(request, lead):
            raise PermissionDenied
        if form_class.national_team_only and not is_national_team(request.user):
            raise PermissionDenied
        form = form_class(request.POST or None, lead=lead, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                form.run()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, form.success, messages.SUCCESS)
                return redirect(
                    reverse(
                        "admin:contacts_lead_change",
                        args=[lead.pk],
                        current_app=self.admin_site.name,
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{form.title} — {lead}",
            "subtitle": str(lead),
            "lead": lead,
            "form": form,
            "action_url": self._action_url(lead, action),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/contacts/lead/action.html", context)

    # Exports -------------------------------------------------------------------------------

    def export_view(self, request, fmt):
        """The leads of the list as it is shown (scope, filters, search), all pages."""
        if fmt not in {"csv", "xlsx"}:
            raise Http404("Format inconnu.")
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(request, "Filtres invalides : export annulé.", messages.ERROR)
            return redirect(reverse("admin:contacts_lead_changelist"))
        return exports.response(changelist.get_queryset(request), fmt, user=request.user)

    @admin.action(description="Exporter la sélection (CSV)", permissions=["view"])
    def export_csv(self, request, queryset):
        return exports.response(queryset.visible_to(request.user), "csv", user=request.user)

    @admin.action(description="Exporter la sélection (Excel)", permissions=["view"])
    def export_xlsx(self, request, queryset):
        return exports.response(queryset.visible_to(request.user), "xlsx", user=request.user)


# --- Emails and audit trail (national team) -----------------------------------------------------


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(NationalTeamOnly, NotFoundWhenHidden, admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [
        "lead",
        "kind",
        "recipient",
        "reply_to",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the resend action is the only change

    def has_resend_permission(self, request):
        return is_national_team(request.user) and request.user.has_perm(
            "contacts.change_outgoingemail"
        )

    @admin.action(
        description="Renvoyer les courriels en échec sélectionnés", permissions=["resend"]
    )
    def resend(self, request, queryset):
        failed = queryset.filter(status=OutgoingEmail.Status.FAILED)
        resent = redirected = 0
        for email in failed:
            try:
                queued = services.resend_email(email=email, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{email} : {' '.join(error.messages)}", messages.WARNING
                )
                continue
            if any(each.pk == email.pk for each in queued):
                resent += 1
            else:
                redirected += 1
        skipped = queryset.count() - len(failed)
        self.message_user(request, f"{resent} courriel(s) remis en file d’envoi.")
        if redirected:
            self.message_user(
                request,
                f"{redirected} courriel(s) non renvoyé(s) : leur destinataire ne suit plus la "
                "demande (réaffectée) ; ils sont annulés et l’organisme actuel en est prévenu.",
                messages.WARNING,
            )
        if skipped:
            self.message_user(
                request, f"{skipped} courriel(s) ignoré(s) : pas en échec.", messages.WARNING
            )


@admin.register(LogEntry)
class LogEntryAdmin(NationalTeamOnly, NotFoundWhenHidden, admin.ModelAdmin):
    """Who changed what in the back office (networks, organisations, members…): Django's own
    journal, read-only. What happens to leads is in their history (LeadEvent)."""

    list_display = ["action_time", "user", "content_type", "object_link", "action_flag", "changes"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]
    fields = [
        "action_time",
        "user",
        "content_type",
        "object_id",
        "object_repr",
        "action_flag",
        "changes",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="objet")
    def object_link(self, entry):
        if entry.action_flag != DELETION:
            url = entry.get_admin_url()
            if url:
                return format_html('<a href="{}">{}</a>', url, entry.object_repr)
        return entry.object_repr

    @admin.display(description="modifications")
    def changes(self, entry):
        return describe_changes(entry)


# --- Bulk eligibility tests and API keys (contacts/bulk*.py) ------------------------------------


class OwnOrganisationOnly:
    """A staff member with an organisation reaches its objects; the national team all of them.
    Another organisation's object is a 404 (NotFoundWhenHidden)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_national_team(request.user):
            return queryset
        organisation = membership_organisation(request.user)
        if organisation is None or not request.user.is_staff:
            return queryset.none()
        return queryset.filter(organisation=organisation)

    def _allowed(self, request, obj=None):
        if not (request.user.is_active and request.user.is_staff):
            return False
        if not (is_national_team(request.user) or membership_organisation(request.user)):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(OwnOrganisationOnly, NotFoundWhenHidden, admin.ModelAdmin):
    """Keys of the bulk API: created by an organisation's staff (for their organisation) or by
    the national team (for any); the key is shown once, only its digest is stored; revoked,
    never deleted, so that the jobs keep saying which key sent them."""

    list_display = ["name", "organisation", "key_prefix", "created_at", "last_used_at", "state"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "key_prefix"]
    actions = ["revoke"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description="état")
    def state(self, token):
        if token.revoked_at:
            return f"Révoquée le {timezone.localtime(token.revoked_at):%d/%m/%Y}"
        return "Active"

    def get_fields(self, request, obj=None):
        fields = ["name"]
        if is_national_team(request.user):
            fields.append("organisation")
        return fields if obj is None else [*fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "organisation", *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_TEAM)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return False  # a key is revoked (action), not edited

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return self._allowed(request)

    def save_model(self, request, obj, form, change):
        if change:
            return
        if not is_national_team(request.user) or obj.organisation_id is None:
            obj.organisation = membership_organisation(request.user)
        obj.created_by = request.user
        key = obj.generate_key()
        obj.save()
        self.message_user(
            request,
            format_html(
                'Clé créée pour {} : <code id="api-key">{}</code> — copiez-la maintenant, elle '
                "ne sera plus jamais affichée.",
                obj.organisation.name,
                key,
            ),
            messages.WARNING,
        )

    @admin.action(description="Révoquer les clés sélectionnées", permissions=["revoke"])
    def revoke(self, request, queryset):
        count = (
            self.get_queryset(request)
            .filter(pk__in=queryset.values("pk"), revoked_at__isnull=True)
            .update(revoked_at=timezone.now())
        )
        self.message_user(
            request, f"{count} clé(s) révoquée(s) : elles ne donnent plus accès à l’API."
        )


@admin.register(BulkJob)
class BulkJobAdmin(OwnOrganisationOnly, NotFoundWhenHidden, admin.ModelAdmin):
    """The list of bulk tests; each one opens on its own page (contacts/bulk_views.py)."""

    list_display = [
        "pk",
        "original_name",
        "organisation",
        "created_at",
        "status",
        "total_rows",
        "eligible_rows",
        "rejected_rows",
        "page_link",
    ]
    list_filter = ["status", ("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["original_name"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation"]

    @admin.display(description="page du test")
    def page_link(self, job):
        return format_html('<a href="{}">Ouvrir</a>', reverse("bulk:detail", args=[job.pk]))

    def has_add_permission(self, request):
        return False  # through the upload page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, unquote(object_id))
        if job is None:
            raise Http404("Aucun test en masse avec cet identifiant.")
        return redirect("bulk:detail", pk=job.pk)
