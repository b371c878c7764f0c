"""`livingwell check --deploy` is clean with production settings, and refuses demo mode."""

import os
import secrets
import subprocess
import sys

import pytest

import livingwell

# The checkout under test, whichever one the installed package points at.
SRC = os.path.dirname(os.path.dirname(livingwell.__file__))


def run_check(tmp_path, **extra):
    # A clean environment: nothing from the test run (DJANGO_ALLOW_ASYNC_UNSAFE, PYTEST_*, ...).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LIVINGWELL_", "PYTEST", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "LIVINGWELL_ENV": "production",
            "LIVINGWELL_SECRET_KEY": secrets.token_urlsafe(50),
            # The check does not connect, so no server is needed.
            "DATABASE_URL": "postgres://livingwell@127.0.0.1:1/livingwell",
            "LIVINGWELL_ALLOWED_HOSTS": "livingwell.example.org",
            "LIVINGWELL_PUBLIC_URL": "https://livingwell.example.org",
            "LIVINGWELL_VAR_DIR": str(tmp_path),
            "LIVINGWELL_AUDIT_CHECKPOINT_KEY": secrets.token_urlsafe(48),
            "LIVINGWELL_AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
            "LIVINGWELL_BACKUP_DIR": str(tmp_path / "backups"),
            "PYTHONPATH": SRC,
        }
    )
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "livingwell.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_demo_mode_fails_the_deploy_check(tmp_path):
    result = run_check(tmp_path, LIVINGWELL_DEMO_MODE="true")
    assert result.returncode != 0
    assert "livingwell.E001" in result.stdout + result.stderr


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_check(tmp_path, LIVINGWELL_SECRET_KEY="")
    assert result.returncode != 0
    assert "LIVINGWELL_SECRET_KEY is required" in result.stderr


@pytest.mark.slow
def test_production_refuses_to_start_without_a_public_address(tmp_path):
    result = run_check(tmp_path, LIVINGWELL_PUBLIC_URL="")
    assert result.returncode != 0
    assert "LIVINGWELL_PUBLIC_URL is required" in result.stderr


@pytest.mark.slow
def test_a_public_address_that_is_not_an_address_is_refused(tmp_path):
    result = run_check(tmp_path, LIVINGWELL_PUBLIC_URL="livingwell.example.org/measure")
    assert result.returncode != 0
    assert "must be the site's public address" in result.stderr


@pytest.mark.slow
def test_a_plain_http_public_address_fails_the_deploy_check(tmp_path):
    result = run_check(tmp_path, LIVINGWELL_PUBLIC_URL="http://livingwell.example.org")
    assert result.returncode != 0
    assert "livingwell.E003" in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("unset", "error"),
    [
        ("LIVINGWELL_AUDIT_CHECKPOINT_KEY", "livingwell.E021"),
        ("LIVINGWELL_AUDIT_CHECKPOINT_DIR", "livingwell.E022"),
        ("LIVINGWELL_BACKUP_DIR", "livingwell.E023"),
    ],
)
def test_production_without_checkpoints_or_backups_fails_the_deploy_check(tmp_path, unset, error):
    result = run_check(tmp_path, **{unset: ""})
    assert result.returncode != 0
    assert error in result.stdout + result.stderr


@pytest.mark.slow
def test_a_short_checkpoint_key_fails_the_deploy_check(tmp_path):
    result = run_check(tmp_path, LIVINGWELL_AUDIT_CHECKPOINT_KEY="short")
    assert result.returncode != 0
    assert "livingwell.E021" in result.stdout + result.stderr


NOTIFY = {
    "LIVINGWELL_MESSAGE_BACKEND": "livingwell.core.messaging.NotifyBackend",
    "LIVINGWELL_NOTIFY_API_KEY": "live-00000000-0000-0000-0000-000000000000-"
    "00000000-0000-0000-0000-000000000000",
    "LIVINGWELL_NOTIFY_CALLBACK_TOKEN": secrets.token_urlsafe(32),
    "LIVINGWELL_NOTIFY_TEMPLATE_MEASURE_LINK_SMS": "a-template",
    "LIVINGWELL_NOTIFY_TEMPLATE_MEASURE_LINK_EMAIL": "a-template",
    "LIVINGWELL_NOTIFY_TEMPLATE_WORK_ALERT_EMAIL": "a-template",
}


@pytest.mark.slow
def test_notify_with_its_key_token_and_templates_passes_the_deploy_check(tmp_path):
    result = run_check(tmp_path, **NOTIFY)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_notify_without_its_key_or_token_or_a_template_fails_the_deploy_check(tmp_path):
    result = run_check(
        tmp_path,
        **NOTIFY
        | {
            "LIVINGWELL_NOTIFY_API_KEY": "",
            "LIVINGWELL_NOTIFY_CALLBACK_TOKEN": "",
            "LIVINGWELL_NOTIFY_TEMPLATE_WORK_ALERT_EMAIL": "",
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "livingwell.E004" in output and "livingwell.E005" in output
    assert "livingwell.E006" in output and "LIVINGWELL_NOTIFY_TEMPLATE_WORK_ALERT_EMAIL" in output


@pytest.mark.slow
def test_background_work_run_in_the_request_fails_the_deploy_check(tmp_path):
    result = run_check(
        tmp_path, LIVINGWELL_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend"
    )
    assert result.returncode != 0
    assert "livingwell.E007" in result.stdout + result.stderr
