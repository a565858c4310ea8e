"""Who may call what: each permission names the one Django permission it checks."""

from rest_framework import permissions


class HasPerm(permissions.BasePermission):
    perm = ""

    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(self.perm))


class CanViewCases(HasPerm):
    perm = "cases.view_case"
    message = "You may not read cases."


class CanViewCustomers(HasPerm):
    """Whoever may read cases may read the customers they belong to."""

    perm = "cases.view_case"
    message = "You may not read customers."


class CanSubmitMessages(HasPerm):
    perm = "cases.submit_message"
    message = "You may not submit messages."
