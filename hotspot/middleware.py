"""Request checks that hold for every view, before any view runs."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

from hotspot.inputs import text_problem

JSON_PREFIXES = ("/api/", "/radius/agent/")
AGENT_PREFIX = "/radius/agent/"


class QueryTextMiddleware:
    """Refuses (400) a path or query parameter holding NUL, surrogates or non-characters.

    Search boxes (`?q=`), filters and the agent's `?username=` all reach database
    queries; PostgreSQL cannot compare with a NUL (DataError, a 500). Checked here once
    for every view, naming the parameter, so no view has to remember it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
