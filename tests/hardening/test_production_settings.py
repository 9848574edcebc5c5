"""Production settings come from the environment; with them, `check --deploy` is clean."""

import os
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT

pytestmark = pytest.mark.timeout(120)

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "hotspot.example.com",
    "SECRET_KEY": "k3P9-vQx7Lr2ZmW8tYc4Nh6Jd1Fs5Gb0Ae9Ru3Io7Kp2Xw6Vn8Ml4Qj1Hy5Tg0Bz",
    "CSRF_TRUSTED_ORIGINS": "https://hotspot.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def check_deploy(extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=100)


def test_check_deploy_is_clean_with_the_production_variables():
    result = check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_each_missing_production_variable():
    missing = ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
               "CSRF_COOKIE_SECURE")
    result = check_deploy({k: v for k, v in PRODUCTION.items() if k not in missing})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_a_request_through_the_proxy_header_counts_as_https(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301  # plain http: redirected
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
