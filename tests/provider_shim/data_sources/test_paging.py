"""``together_remediations`` follows every page of the listing (in process, against the simulator over HTTP)."""

from __future__ import annotations

import pytest
from tf.utils import Diagnostics

from provider_shim.data_sources import remediations as remediations_module
from provider_shim.framework.base import Call
from provider_shim.provider import TogetherProvider

LIST_ROUTE = "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"


@pytest.fixture
def provider(simulator):
    provider = TogetherProvider()
    diagnostics = Diagnostics()
    provider.configure_provider(diagnostics, {"base_url": simulator.base_url, "api_key": simulator.api_key})
    assert not diagnostics.has_errors()
    yield provider
    provider.session.close()


def test_every_page_is_read_and_filters_apply_across_pages(simulator, provider, monkeypatch):
    monkeypatch.setattr(remediations_module, "PAGE_SIZE", 3)
    for n in range(4, 12):  # eight more automated remediations, every other one critical
        severity = "PHC_SEVERITY_CRITICAL" if n % 2 else "PHC_SEVERITY_WARNING"
        simulator.inject_alert("cluster-training", f"inst-training-{n:02d}", "GPUXidError", severity)
    simulator.reset_stats()

    source = remediations_module.RemediationsDataSource(provider)
    call = Call(diagnostics=Diagnostics(), type_name="together_remediations", provider=provider)
    state = source.read(call, {"cluster_id": "cluster-training", "min_severity": "PHC_SEVERITY_CRITICAL"})

    assert simulator.stats()["requests_by_route"][LIST_ROUTE] == 3  # 9 remediations, 3 per page
    names = [r["instance_name"] for r in state["remediations"]]
    assert names == ["gpu-03", "gpu-05", "gpu-07", "gpu-09", "gpu-11"]
    assert state["ids"] == [r["id"] for r in state["remediations"]]
