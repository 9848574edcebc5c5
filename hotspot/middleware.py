"""Request checks that hold for every view, before any view runs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from hotspot.bodylimit import too_large_body
from hotspot.inputs import text_problem

JSON_PREFIXES = ("/api/", "/radius/agent/")
AGENT_PREFIX = "/radius/agent/"
# No page of the product needs a longer address; the login redirect quotes the address in
# `next` (up to 5 characters for each encoded byte) and Django refuses redirects over 16 KB.
MAX_URL_LENGTH = 4096


class BodyLimitMiddleware:
    """413 for a declared body over REQUEST_BODY_MAX_BYTES, before any view or login.

    hotspot.bodylimit refuses these under the ASGI server before they are read; this is
    the same rule for every other way into Django (WSGI, the test client), so a too-large
    request is refused whole, never half-handled (a logout done, then its body refused).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > settings.REQUEST_BODY_MAX_BYTES:
            content_type, body = too_large_body(request.path_info)
            return HttpResponse(body, status=413, content_type=content_type.decode())
        return self.get_response(request)


class QueryTextMiddleware:
    """Refuses (400) a path or query parameter holding NUL, surrogates or non-characters.

    Search boxes (`?q=`), filters and the agent's `?username=` all reach database
    queries; PostgreSQL cannot compare with a NUL (DataError, a 500). Checked here once
    for every view, naming the parameter, so no view has to remember it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.get_full_path()) > MAX_URL_LENGTH:
            return HttpResponse(f"The address is longer than {MAX_URL_LENGTH} characters.",
                                status=414, content_type="text/plain; charset=utf-8")
        errors = query_errors(request)
        if errors:
            return refuse(request, errors)
        return self.get_response(request)


def query_errors(request) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    problem = text_problem(request.path_info)
    if problem:
        errors["path"] = [problem]
    for key, values in request.GET.lists():
        for text in (key, *values):
            problem = text_problem(text)
            if problem:
                errors.setdefault(key if not text_problem(key) else "parameter", []).append(
                    problem)
                break
    return errors


def refuse(request, errors: dict[str, list[str]]):
    if request.path_info.startswith(AGENT_PREFIX):  # the agent answers a list of messages
        messages = [f"{key}: {m}" for key, msgs in errors.items() for m in msgs]
        return JsonResponse({"success": False, "errors": messages}, status=400)
    if request.path_info.startswith(JSON_PREFIXES) or "json" in request.headers.get(
            "Accept", ""):
        return JsonResponse({"success": False, "errors": errors}, status=400)
    return render(request, "bad_input.html", {"errors": errors}, status=400)
