"""The provider's configuration: its checks with attribute paths, and the settings it falls back to
from the environment and the defaults (no API involved)."""

from __future__ import annotations

import pytest
from tf.utils import Diagnostics

from provider_shim.framework import log as provider_log
from provider_shim.framework.base import ProviderError
from provider_shim.framework.validation import Validator
from provider_shim.provider import settings_from_config, validate_provider_config


@pytest.fixture(autouse=True)
def keys_read_here_are_redacted_here_only(monkeypatch):
    """``settings_from_config`` registers each key it reads for redaction, process-wide: the short
    keys of these tests ("x", "k") would otherwise be redacted from the text of every later test."""
    monkeypatch.setattr(provider_log, "_secrets", set())


def test_provider_configuration_checks():
    diagnostics = Diagnostics()
    validate_provider_config(
        Validator(diagnostics, {"base_url": "http://api.example.com/v1", "request_timeout": "fast", "max_retries": -1, "max_in_flight_per_cluster": 0})
    )
    paths = sorted(d.path[0] for d in diagnostics.diagnostics)
    assert paths == ["base_url", "max_in_flight_per_cluster", "max_retries", "request_timeout"]


def test_settings_fall_back_to_the_environment_and_defaults():
    settings = settings_from_config({}, {"TOGETHER_API_KEY": "key-7d1e", "TOGETHER_BASE_URL": "http://127.0.0.1:8787/v1/"})
    assert (settings.api_key, settings.base_url, settings.request_timeout, settings.max_retries, settings.poll_interval) == (
        "key-7d1e", "http://127.0.0.1:8787", 30.0, 6, 2.0,
    )
    assert "key-7d1e" not in repr(settings)
    explicit = settings_from_config({"api_key": "x", "base_url": "https://api.together.ai/v1", "poll_interval": "500ms"}, {})
    assert (explicit.api_key, explicit.base_url, explicit.poll_interval) == ("x", "https://api.together.ai", 0.5)
    # The SDK's form of TOGETHER_BASE_URL (the bare host) works with nothing else set; the default is the SDK's.
    sdk_form = settings_from_config({}, {"TOGETHER_API_KEY": "k", "TOGETHER_BASE_URL": "https://api.together.ai"})
    assert sdk_form.base_url == "https://api.together.ai"
    assert settings_from_config({}, {"TOGETHER_API_KEY": "k"}).base_url == "https://api.together.ai"
    with pytest.raises(ProviderError):
        settings_from_config({}, {"TOGETHER_BASE_URL": "http://10.0.0.1/v1"})
