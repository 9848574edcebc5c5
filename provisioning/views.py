from django.shortcuts import get_object_or_404, render

from routers.models import Router
from routers.services.stages import stage_of


def wizard(request, pk):
    """Stages 3-5: services, review, deploy."""
    router = get_object_or_404(Router.objects.for_org(request.organization), pk=pk)
    return render(request, "provisioning/wizard.html", {"router": router, "stage": stage_of(router)})
