"""Sets request.organization for logged-in operators; every view scopes by it."""

from django.http import HttpResponseForbidden


class OrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        user = request.user
        if user.is_authenticated:
            operator = getattr(user, "operator", None)
            if operator is not None:
                request.organization = operator.organization
            elif not request.path.startswith(("/admin/", "/accounts/logout")):
                # A superuser without membership may use the admin, nothing else.
                return HttpResponseForbidden(
                    "Your account is not a member of any organization. "
                    "Ask an administrator to add you in the admin (Operators)."
                )
        return self.get_response(request)
