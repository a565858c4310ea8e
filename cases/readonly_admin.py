"""The admin's read-only bases: shown to those who may view; nobody adds, changes or deletes."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        # Each row is titled by its __str__, which names the case by its reference: one join.
        queryset = super().get_queryset(request)
        fields = {field.name for field in self.model._meta.get_fields()}
        return queryset.select_related("case") if "case" in fields else queryset

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
