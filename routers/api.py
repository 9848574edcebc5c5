"""JSON endpoints of seed 000 (stages 1-2), for logged-in operators."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from hotspot.inputs import JSONRefused, read_json_object
from routers.forms import RouterForm
from routers.models import Router
from routers.services import onboarding
from routers.services.stages import stage_of


def router_json(router: Router) -> dict:
    return {
        "id": router.pk,
        "name": router.name,
        "host": router.host,
        "api_port": router.api_port,
        "use_tls": router.use_tls,
        "status": router.status,
        "last_seen": router.last_seen.isoformat() if router.last_seen else None,
        "model": router.model,
        "board": router.board,
        "os_version": router.routeros_version,
        "serial": router.serial,
        "probe_attempts": router.probe_attempts,
    }


def bad_request(errors: dict) -> JsonResponse:
    return JsonResponse({"success": False, "errors": errors}, status=400)


@require_POST
def create_with_config(request):
    try:
        data = read_json_object(request)
    except JSONRefused as exc:
        return bad_request(exc.errors())
    form = RouterForm(data, organization=request.organization)
    if not form.is_valid():
        return bad_request({k: [str(m) for m in v] for k, v in form.errors.items()})
    router, config = onboarding.create_router(request.organization, user=request.user,
                                              **form.cleaned_data)
    body = {
        "success": True,
        "router": {**router_json(router), "config_token": router.config_token},
        "config": config.operator_script,
        "stage": 1,
        "message": "Router created. Copy the script into the router's terminal; "
                   "probing has started.",
    }
    return JsonResponse(body, status=201)


@require_GET
def provisioning_status(request, pk):
    router = get_object_or_404(Router.objects.for_org(request.organization), pk=pk)
    last = router.probe_log.first()
    body = {"success": True, "router": router_json(router), "stage": stage_of(router)}
    if last is not None and not last.ok:
        body["last_error"] = {"error": last.error, "hint": last.hint, "attempt": last.number}
    return JsonResponse(body)
