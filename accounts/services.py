"""Creating operators (used by the first-run command, the admin and tests)."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Operator, Organization


@transaction.atomic
def create_operator(username: str, organization: Organization, password: str | None = None,
                    *, superuser: bool = False) -> tuple[object, str]:
    """Create a user who operates `organization`; returns (user, password)."""
    password = password or secrets.token_urlsafe(12)
    User = get_user_model()
    maker = User.objects.create_superuser if superuser else User.objects.create_user
    user = maker(username=username, password=password)
    Operator.objects.create(user=user, organization=organization)
    return user, password


def default_organization() -> Organization:
    return Organization.objects.order_by("id").first() or Organization.objects.create(
        name="Default organization"
    )
