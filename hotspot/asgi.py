"""ASGI entry point: HTTP through Django, websockets through Channels (daphne serves both)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotspot.settings")
django_asgi_app = get_asgi_application()
if os.environ.get("SERVE_STATIC", "1") != "0":
    # daphne serves no static files by itself; the product's few files (htmx, one
    # stylesheet) are served by Django. Set SERVE_STATIC=0 behind a proxy that serves
    # `collectstatic`'s output instead.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    django_asgi_app = ASGIStaticFilesHandler(django_asgi_app)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from hotspot.bodylimit import BodyLimit, install_daphne_guard  # noqa: E402
from hotspot.routing import websocket_urlpatterns  # noqa: E402

# Bodies over REQUEST_BODY_MAX_BYTES: refused by daphne as they arrive, and by BodyLimit
# under any server, before Django reads them and before any authentication.
install_daphne_guard()

application = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
