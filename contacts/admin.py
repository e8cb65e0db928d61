"""Minimal back office, for the national team's administrators (superusers) only, until the
scoped back office for operators and agencies exists: leads are read-only here, and no other
staff account sees them."""

from django.contrib import admin

from contacts.models import Lead, LeadEvent, Membership, Organisation, OutgoingEmail


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class ReadOnly(SuperuserOnly):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(SuperuserOnly, admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "email"]
    list_filter = ["kind"]
    search_fields = ["name", "email"]
    filter_horizontal = ["networks", "future_networks"]
    inlines = [MembershipInline]


class LeadEventInline(ReadOnly, admin.TabularInline):
    model = LeadEvent
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "to_organisation", "note"]
    readonly_fields = fields
    extra = 0


class OutgoingEmailInline(ReadOnly, admin.TabularInline):
    model = OutgoingEmail
    fields = ["created_at", "kind", "recipient", "subject", "status", "attempts", "last_error"]
    readonly_fields = fields
    extra = 0


@admin.register(Lead)
class LeadAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["pk", "created_at", "address_label", "status", "organisation", "eligible"]
    list_filter = ["status", "organisation", "heating_energy", "heating_type", "eligible"]
    search_fields = ["address_label", "email", "last_name", "network_id"]
    date_hierarchy = "created_at"
    exclude = ["token", "ip_hash"]
    inlines = [LeadEventInline, OutgoingEmailInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject"]
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
