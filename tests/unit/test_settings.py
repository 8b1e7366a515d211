"""Container-style settings: sources, precedence, key spellings, validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docintel.core.errors import ConfigurationError
from docintel.core.settings import (
    ContainerKind,
    load_settings,
    parse_assignments,
    validate_for_serving,
)


def test_key_spellings_are_equivalent() -> None:
    """``Mounts:License``, ``mounts__license`` and ``MOUNTS_LICENSE`` name one setting."""
    for key in ("Mounts:License", "mounts__license", "MOUNTS_LICENSE", "MOUNTS__LICENSE"):
        s = load_settings(env={key: "/lic"})
        assert s.license_dir == Path("/lic"), key


def test_precedence_args_over_env_over_file(tmp_path: Path) -> None:
    """Command line beats environment beats the settings file."""
    f = tmp_path / "settings.json"
    f.write_text(json.dumps({"Mounts": {"Shared": "/file"}, "Workers": 3, "Port": 7000}))
    s = load_settings({"Mounts:Shared": "/args"}, {"MOUNTS_SHARED": "/env", "WORKERS": "5"}, f)
    assert s.shared_dir == Path("/args")
    assert s.workers == 5
    assert s.port == 7000


def test_types_and_kinds() -> None:
    """Booleans, integers and the container kind are parsed case-insensitively."""
    s = load_settings({"DownloadLicense": "True", "containerkind": "IDDOCUMENT", "Workers": "2"})
    assert s.download_license is True
    assert s.container_kind is ContainerKind.ID_DOCUMENT
    assert s.worker_count == 2
    with pytest.raises(ConfigurationError, match="Workers"):
        load_settings({"Workers": "many"})
    with pytest.raises(ConfigurationError, match="ContainerKind"):
        load_settings({"ContainerKind": "telepathy"})


def test_unknown_keys_are_reported_and_azure_only_keys_ignored() -> None:
    """Unknown command-line keys are reported; Azure-only keys pass quietly."""
    s = load_settings(
        {"Eula": "accept", "Foo:Bar": "1", "ApplicationInsights:InstrumentationKey": "x"}
    )
    assert s.unknown_keys == ("Foo:Bar",)


def test_environment_noise_is_not_unknown() -> None:
    """Unrelated environment variables are neither settings nor 'unknown'."""
    s = load_settings(env={"PATH": "/bin", "HOME": "/root", "EULA": "accept"})
    assert s.eula == "accept" and s.unknown_keys == ()


def test_parse_assignments() -> None:
    """``Key=Value`` pairs; the value may contain '='."""
    assert parse_assignments(["a=1", "Billing=http://x/?k=v"]) == {
        "a": "1",
        "Billing": "http://x/?k=v",
    }
    with pytest.raises(ConfigurationError):
        parse_assignments(["novalue"])


def test_modes() -> None:
    """standalone / connected / disconnected are chosen by what is set."""
    assert load_settings({}).mode == "standalone"
    assert load_settings({"Billing": "http://b", "ApiKey": "k"}).mode == "connected"
    assert load_settings({"Mounts:License": "/l"}).mode == "disconnected"
    assert load_settings({"Mounts:License": "/l", "DownloadLicense": "true"}).mode != "disconnected"


def test_validate_for_serving() -> None:
    """Eula must be accept; Billing and ApiKey come together; shared folders agree."""
    with pytest.raises(ConfigurationError, match="Eula"):
        validate_for_serving(load_settings({}))
    with pytest.raises(ConfigurationError, match="ApiKey"):
        validate_for_serving(load_settings({"Eula": "accept", "Billing": "http://b"}))
    with pytest.raises(ConfigurationError, match="SharedRootFolder"):
        validate_for_serving(
            load_settings({"Eula": "accept", "Mounts:Shared": "/a", "SharedRootFolder": "/b"})
        )
    validate_for_serving(load_settings({"eula": "ACCEPT"}))
