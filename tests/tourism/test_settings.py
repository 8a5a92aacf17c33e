"""Production mode is a set of environment variables; Django's deployment checks must pass under it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# The test run's own switches, not the server's: the browser tests allow sync ORM calls next to
# Playwright's event loop, which Django's deployment checks rightly refuse in production.
NOT_INHERITED = {"DEBUG", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_deployment_checks_pass_in_production_mode():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="lishi-tourism.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="lishi-tourism.cn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "a-production-secret-key-for-tests-only-0123456789"}
UNSET = {"DJANGO_ENV": None, "BEHIND_PROXY": None, "TRUSTED_PROXY_COUNT": None}


@pytest.mark.parametrize(
    ("env", "proxies"),
    [
        ({}, 0),  # development: nothing in front, X-Forwarded-For is ignored
        (PRODUCTION, 1),  # the documented nginx in front
        ({**PRODUCTION, "BEHIND_PROXY": "0"}, 0),
        ({**PRODUCTION, "TRUSTED_PROXY_COUNT": "2"}, 2),  # e.g. a CDN, then nginx
        ({"BEHIND_PROXY": "1"}, 1),
    ],
)
def test_one_setting_says_how_many_proxies_to_trust_for_every_limit(settings_under, env, proxies):
    loaded = settings_under(**{**UNSET, **env})

    assert loaded["TRUSTED_PROXY_COUNT"] == proxies
    assert loaded["ALLAUTH_TRUSTED_PROXY_COUNT"] == proxies
