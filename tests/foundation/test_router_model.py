import pytest
from django.db import connection

from routers.choices import RouterStatus
from routers.models import InvalidTransition, RouterEvent


def test_it_refuses_an_invalid_status_transition(make_router):
    router = make_router(status=RouterStatus.CONFIG_PENDING)
    with pytest.raises(InvalidTransition):
        router.set_status(RouterStatus.ACTIVE)
    router.refresh_from_db()
    assert router.status == RouterStatus.CONFIG_PENDING


def test_it_records_each_status_change(make_router):
    router = make_router(status=RouterStatus.CONFIG_PENDING)
    router.set_status(RouterStatus.PROBING)
    router.set_status(RouterStatus.ONLINE, "router answered")
    history = list(router.events.filter(kind=RouterEvent.Kind.STATUS).order_by("id"))
    assert [(e.status_from, e.status_to) for e in history] == [
        ("config_pending", "probing"), ("probing", "online")]


def test_it_stores_the_config_token_encrypted(make_router):
    token = "S3cret-token-that-must-not-appear-in-clear-0123456789"
    router = make_router(config_token=token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT config_token FROM routers_router WHERE id = %s", [router.pk])
        stored = cursor.fetchone()[0]
    assert token not in stored
    router.refresh_from_db()
    assert router.config_token == token


def test_no_stored_script_holds_the_token_in_clear_text(acme):
    from routers.services.onboarding import create_router

    router, config = create_router(acme, name="secret-1", host="10.0.0.1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT script, CAST(plan AS TEXT) FROM routers_routerconfig WHERE router_id = %s",
                       [router.pk])
        rows = cursor.fetchall()
    assert rows and all(router.config_token not in script + plan for script, plan in rows)
    assert router.config_token in config.operator_script
