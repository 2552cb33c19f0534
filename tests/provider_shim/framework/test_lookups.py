"""Per-launch state lookups against the simulator over HTTP: one listing answers many reads."""

from __future__ import annotations

import threading

from provider_shim.framework.lookups import RemediationLookups
from together_api.client import TogetherClient

LIST_ROUTE = "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"
GET_ROUTE = "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations/{remediation_id}"


def test_one_listing_answers_concurrent_reads_and_old_or_gone_ones_fall_back_to_get(simulator):
    simulator.add_cluster("cluster-look", name="look", nodes=6)
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        made = [client.create_remediation("cluster-look", f"inst-look-{n:02d}", "REMEDIATION_MODE_REBOOT_VM") for n in range(1, 7)]
        simulator.delete_remediation(made[1].id)
        simulator.reset_stats()
        # Pages of 2, at most 2 pages: the 4 newest are listed, the oldest must be fetched.
        lookups = RemediationLookups(client, page_size=2, max_pages=2)
        found: dict[str, object] = {}

        def read(remediation) -> None:
            found[remediation.id] = lookups.remediation("cluster-look", remediation.instance_id, remediation.id)

        readers = [threading.Thread(target=read, args=(r,)) for r in made[2:]]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        routes = simulator.stats()["requests_by_route"]
        assert routes.get(LIST_ROUTE) == 2 and routes.get(GET_ROUTE, 0) == 0, routes
        assert {rid: r.id for rid, r in found.items()} == {r.id: r.id for r in made[2:]}

        assert lookups.remediation("cluster-look", "inst-look-01", made[0].id).id == made[0].id  # older than the listing
        assert lookups.remediation("cluster-look", "inst-look-02", made[1].id) is None  # deleted
        routes = simulator.stats()["requests_by_route"]
        assert routes.get(LIST_ROUTE) == 2 and routes.get(GET_ROUTE) == 2, routes
