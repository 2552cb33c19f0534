"""Fast unit tests: parsing and validation that need no server."""

from __future__ import annotations

import asyncio
import sqlite3

import httpx
import pytest

from together_simulator.app import Simulator, build_app
from together_simulator.errors import ApiError
from together_simulator.faults import FaultConfig
from together_simulator.lifecycle import FailureConfig, LifecycleConfig, mode_name, parse_duration_flag
from together_simulator.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_token, encode_token, page_size
from together_simulator.service import parse_create_body
from together_simulator.store import ADDED_COLUMNS, SCHEMA, Store


def test_page_tokens_round_trip_and_are_bound_to_their_query():
    token = encode_token((1764480000.25, 150), "abc")
    assert decode_token(token, "abc") == (1764480000.25, 150)
    with pytest.raises(ApiError, match="other filters"):
        decode_token(token, "xyz")
    for bad in ("", "%%%", "e30", encode_token(("x", 1), "abc"), encode_token((1.0, 1.5), "abc")):
        with pytest.raises(ApiError, match="malformed"):
            decode_token(bad, "abc")


@pytest.mark.parametrize("value, expected", [(None, DEFAULT_PAGE_SIZE), ("0", DEFAULT_PAGE_SIZE), ("7", 7),
                                             ("500", 500), ("501", MAX_PAGE_SIZE)])
def test_page_size(value, expected):
    assert page_size(value) == expected


@pytest.mark.parametrize("value", ["", "-1", "1.5", "ten"])
def test_bad_page_sizes(value):
    with pytest.raises(ApiError, match="page_size"):
        page_size(value)


def test_duration_flags():
    assert parse_duration_flag("REBOOT_VM=3") == ("REBOOT_VM", {"running": 3.0})
    # Two numbers: PENDING and RUNNING, and the quarantine states instant (so *=0:0 is all zero).
    assert parse_duration_flag("*=0.5:2") == ("*", {"pending": 0.5, "quarantining": 0.0, "quarantined": 0.0,
                                                    "running": 2.0})
    assert parse_duration_flag("HOST_AWARE=1:2:3:4") == ("HOST_AWARE", {"pending": 1.0, "quarantining": 2.0,
                                                                        "quarantined": 3.0, "running": 4.0})
    for bad in ("REBOOT_VM", "REBOOT_VM=x", "REBOOT_VM=1:2:3", "=1", "REBOOT_VM=-1"):
        with pytest.raises(ValueError, match="--duration"):
            parse_duration_flag(bad)


def test_lifecycle_config_by_short_or_full_mode_name_and_for_all():
    config = LifecycleConfig()
    config.set("*", pending=0, running=0)
    config.set("HOST_AWARE", running=9)
    assert config.for_mode("REMEDIATION_MODE_HOST_AWARE").running_seconds == 9
    assert config.for_mode("REMEDIATION_MODE_HOST_AWARE").pending_seconds == 0
    assert config.for_mode("REMEDIATION_MODE_VM_ONLY").running_seconds == 0
    with pytest.raises(ApiError, match="unknown mode"):
        mode_name("TURBO")
    with pytest.raises(ApiError, match="seconds"):
        config.update({"default": {"running_seconds": -1}})


def test_failure_rules_match_on_every_field_they_name():
    failures = FailureConfig()
    failures.update({"rules": [{"instance_id": "i-1", "mode": "REBOOT_VM", "error_message": "no"}]})
    assert failures.planned_error("c", "i-1", "REMEDIATION_MODE_REBOOT_VM") == "no"
    assert failures.planned_error("c", "i-1", "REMEDIATION_MODE_VM_ONLY") is None
    assert failures.planned_error("c", "i-2", "REMEDIATION_MODE_REBOOT_VM") is None
    with pytest.raises(ApiError, match="probability"):
        failures.update({"probability": 1.5})


def test_seeded_fault_dice_repeat():
    first, second = FaultConfig(seed=5), FaultConfig(seed=5)
    assert [first.roll(0.5) for _ in range(20)] == [second.roll(0.5) for _ in range(20)]
    assert not any(FaultConfig().roll(0.0) for _ in range(100))


@pytest.mark.parametrize(
    "body, message",
    [({}, "mode is required"), ({"mode": None}, "mode is required"), ({"mode": "VM_ONLY"}, "unknown mode"),
     ({"mode": "REMEDIATION_MODE_VM_ONLY", "reason": None}, "reason"), ("x", "JSON object")],
)
def test_create_body_validation(body, message):
    with pytest.raises(ApiError, match=message):
        parse_create_body(body)


def test_create_body_keeps_mode_and_reason_only():
    assert parse_create_body({"mode": "REMEDIATION_MODE_REBOOT_VM", "reason": "r", "state": "X"}) == (
        "REMEDIATION_MODE_REBOOT_VM", "r")


def test_admin_api_refuses_clients_off_loopback(tmp_path):
    sim = Simulator(store=Store(tmp_path / "sim.db"), api_keys=frozenset({"k"}))

    async def ask(client_host: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=build_app(sim), client=(client_host, 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as http:
            return await http.get("/_simulator/health")

    assert asyncio.run(ask("127.0.0.1")).status_code == 200
    refused = asyncio.run(ask("10.1.2.3"))
    assert refused.status_code == 403 and refused.json()["code"] == 7
    sim.store.close()


def test_a_database_of_an_older_simulator_gets_the_new_columns(tmp_path):
    path = tmp_path / "old.db"
    added = {column for _, column, _ in ADDED_COLUMNS}
    old_schema = "\n".join(line for line in SCHEMA.splitlines() if line.strip().split(" ")[0] not in added)
    old = sqlite3.connect(path)
    old.executescript(old_schema)
    assert "annotation" not in {row[1] for row in old.execute("PRAGMA table_info(alerts)")}
    old.close()
    store = Store(path)
    remediation_columns = {row["name"] for row in store.all("PRAGMA table_info(remediations)")}
    alert_columns = {row["name"] for row in store.all("PRAGMA table_info(alerts)")}
    store.close()
    assert {"quarantining_seconds", "quarantined_seconds"} <= remediation_columns
    assert "annotation" in alert_columns


def test_lifecycle_updates_check_every_entry_before_changing_any():
    config = LifecycleConfig()
    before = config.to_json()
    with pytest.raises(ApiError, match="unknown duration"):
        config.update({"modes": {"VM_ONLY": {"running_seconds": 1}, "HOST_AWARE": {"cordon_seconds": 1}}})
    assert config.to_json() == before
    config.update({"modes": {"HOST_POWER_CYCLE": {"quarantining_seconds": 7}}})
    assert config.to_json()["modes"]["REMEDIATION_MODE_HOST_POWER_CYCLE"]["quarantining_seconds"] == 7
    assert "quarantining_seconds" not in config.to_json()["modes"]["REMEDIATION_MODE_VM_ONLY"]
