"""Operator views. Writes that matter (tokens, validation) go through the services."""

from django.contrib import admin, messages

from .models import (
    ApiToken,
    Dataset,
    DatasetRevision,
    Distribution,
    Institution,
    Membership,
    ValidationFinding,
    ValidationRun,
)
from .services import token_revoke


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "kind",
        "is_provider",
        "is_consumer",
        "state_code",
        "verification_status",
    ]
    list_filter = ["kind", "verification_status", "is_provider", "is_consumer"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]
    actions = ["verify"]

    @admin.action(description="Mark selected institutions as verified")
    def verify(self, request, queryset):
        updated = queryset.update(verification_status=Institution.Verification.VERIFIED)
        self.message_user(request, f"{updated} institution(s) verified.", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "institution",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["institution"]
    search_fields = ["name", "prefix", "institution__slug"]
    fields = [
        "institution",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued with `manage.py issue_token` or the console

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        revoked = sum(token_revoke(token=token) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)


class ReadOnly:
    """Rows written only through services (which validate and record revisions): shown here,
    never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DistributionInline(ReadOnly, admin.StackedInline):
    model = Distribution
    extra = 0
    can_delete = False


@admin.register(Dataset)
class DatasetAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "institution", "status", "access_rights", "license", "modified_at"]
    list_filter = ["status", "access_rights", "institution"]
    search_fields = ["title", "slug", "id"]
    inlines = [DistributionInline]


@admin.register(DatasetRevision)
class DatasetRevisionAdmin(admin.ModelAdmin):
    list_display = ["dataset", "number", "kind", "status", "actor_label", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["dataset__title", "dataset__id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class FindingInline(admin.TabularInline):
    model = ValidationFinding
    extra = 0
    can_delete = False
    readonly_fields = ["check_name", "severity", "message", "field", "distribution_id", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ValidationRun)
class ValidationRunAdmin(admin.ModelAdmin):
    list_display = ["id", "dataset", "status", "attempt", "queued_at", "started_at", "finished_at"]
    list_filter = ["status"]
    inlines = [FindingInline]
    readonly_fields = [
        "dataset",
        "revision",
        "status",
        "attempt",
        "queued_at",
        "started_at",
        "finished_at",
        "error",
    ]

    def has_add_permission(self, request):
        return False
