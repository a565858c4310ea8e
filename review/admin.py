from django.contrib import admin

from review.models import (
    Intent,
    ModelVersion,
    PolicyVersion,
    ReviewItem,
    Suggestion,
    TrainingExample,
)


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    extra = 0
    can_delete = False
    fields = ["version", "snapshot", "changed_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Intent)
class IntentAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "action", "mode", "threshold", "risk_class", "policy_version"]
    list_filter = ["mode", "action", "risk_class"]
    search_fields = ["slug", "name"]
    readonly_fields = ["policy_version"]
    inlines = [PolicyVersionInline]

    def save_model(self, request, obj, form, change):
        obj.save(changed_by=request.user)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["label", "engine", "n_examples", "is_active", "created_at"]
    exclude = ["blob"]
    readonly_fields = ["engine", "label", "sha256", "metrics", "labels", "n_examples", "is_active"]

    def has_add_permission(self, request):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["case", "intent", "confidence", "action", "automatable", "created_at"]
    list_filter = ["automatable", "intent", "action"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "intent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ["case", "status", "reason_codes", "claimed_by", "decision", "created_at"]
    list_filter = ["status", "decision"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "claimed_by"]


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ["intent", "source", "verdict", "language", "created_at"]
    list_filter = ["source", "verdict", "language", "intent"]
    search_fields = ["text"]
    list_select_related = ["intent"]
