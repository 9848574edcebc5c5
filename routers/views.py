from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from routers.choices import RouterStatus
from routers.models import Router


def org_routers(request):
    """Routers of the operator's organization: every router lookup starts here."""
    return Router.objects.for_org(request.organization)


def router_list(request):
    routers = org_routers(request)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    if status in RouterStatus.values:
        routers = routers.filter(status=status)
    if query:
        routers = routers.filter(name__icontains=query)
    page = Paginator(routers, 25).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "q": query, "statuses": RouterStatus.choices}
    template = "routers/partials/router_table.html" if request.htmx else "routers/list.html"
    return render(request, template, context)


def router_detail(request, pk):
    router = get_object_or_404(org_routers(request), pk=pk)
    return render(request, "routers/detail.html", {"router": router})
