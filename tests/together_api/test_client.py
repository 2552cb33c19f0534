"""TogetherClient against a real HTTP server on 127.0.0.1: retries, pagination, errors, secrets."""

from __future__ import annotations

import logging
import time
import traceback

import httpx
import pytest

from together_api import errors
from together_api.base_url import DEFAULT_BASE_URL
from together_api.client import RetryPolicy, TogetherClient
from together_api.models import RemediationMode, RemediationState

from .fake_server import FakeServer, Scripted

SECRET = "sk-test-SECRET-0123456789"
C, I, R = "cluster-1", "inst-1", "6f1c2d3e-0000-4000-8000-000000000001"
LIST = f"/compute/clusters/{C}/instances/{I}/remediations"
ONE = f"{LIST}/{R}"
FAST = RetryPolicy(max_attempts=4, initial_backoff=0.01, max_backoff=0.05, jitter=0.0)


def remediation(rid: str = R, state: str = "PENDING", **extra) -> dict:
    return {
        "id": rid,
        "cluster_id": C,
        "instance_id": I,
        "mode": "REMEDIATION_MODE_REBOOT_VM",
        "trigger": "REMEDIATION_TRIGGER_MANUAL",
        "state": state,
        **extra,
    }


def unavailable(status: int = 503) -> Scripted:
    return Scripted(status, {"code": 14, "message": "backend unavailable", "details": []})


@pytest.fixture
def server():
    with FakeServer() as srv:
        yield srv


@pytest.fixture
def client(server):
    with TogetherClient(api_key=SECRET, base_url=server.base_url, retry=FAST) as c:
        yield c


def test_create_sends_mode_reason_id_and_bearer_key(server, client):
    server.script("POST", LIST, Scripted(200, remediation()))
    created = client.create_remediation(C, I, RemediationMode.REBOOT_VM, reason="xid 79", remediation_id=R)
    assert created.id == R and created.state is RemediationState.PENDING
    (call,) = server.calls("POST", LIST)
    assert call.body == {"mode": "REMEDIATION_MODE_REBOOT_VM", "reason": "xid 79"}
    assert call.query == [("remediation_id", R)]
    assert call.headers["Authorization"] == f"Bearer {SECRET}"
    assert call.headers["User-Agent"].startswith("together-remediation/")


RATE_LIMITED = Scripted(429, {"code": 8, "message": "slow down", "details": []}, headers={"Retry-After": "0"})


@pytest.mark.parametrize(
    "failure", [unavailable(503), unavailable(502), RATE_LIMITED, Scripted(reset=True)], ids=["503", "502", "429", "reset"]
)
def test_create_without_remediation_id_is_never_sent_twice(server, client, failure):
    server.script("POST", LIST, failure, Scripted(200, remediation()))
    with pytest.raises((errors.UnavailableError, errors.RateLimitedError)) as info:
        client.create_remediation(C, I, "REMEDIATION_MODE_VM_ONLY")
    assert len(server.calls("POST", LIST)) == 1
    assert "The create was not sent twice" in str(info.value)


@pytest.mark.parametrize("failure", [unavailable(503), unavailable(504), Scripted(reset=True)])
def test_create_with_remediation_id_is_retried(server, client, failure):
    server.script("POST", LIST, failure, failure, Scripted(200, remediation()))
    assert client.create_remediation(C, I, "REMEDIATION_MODE_VM_ONLY", remediation_id=R).id == R
    calls = server.calls("POST", LIST)
    assert len(calls) == 3
    assert all(c.query == [("remediation_id", R)] for c in calls)


def test_reads_retry_until_the_budget_is_spent(server, client):
    server.script("GET", ONE, unavailable())
    with pytest.raises(errors.UnavailableError) as info:
        client.get_remediation(C, I, R)
    assert len(server.calls("GET", ONE)) == FAST.max_attempts
    assert "backend unavailable" in str(info.value)


@pytest.mark.parametrize("verb", ["approve", "reject", "cancel"])
def test_review_and_cancel_are_retried(server, client, verb):
    server.script("POST", f"{ONE}/{verb}", unavailable(), Scripted(200, remediation(state="CANCELLED")))
    call = {
        "approve": lambda: client.approve_remediation(C, I, R, comment="ok"),
        "reject": lambda: client.reject_remediation(C, I, R, comment="no"),
        "cancel": lambda: client.cancel_remediation(C, I, R),
    }[verb]
    assert call().state is RemediationState.CANCELLED
    calls = server.calls("POST", f"{ONE}/{verb}")
    assert len(calls) == 2
    expected = {"approve": {"comment": "ok"}, "reject": {"comment": "no"}, "cancel": None}[verb]  # cancel: no body, as the SDK
    assert calls[0].body == expected and calls[1].body == expected


def test_rate_limit_honours_retry_after(server, client):
    limited = Scripted(429, {"code": 8, "message": "slow down", "details": []}, headers={"Retry-After": "1"})
    server.script("GET", ONE, limited, Scripted(200, remediation()))
    started = time.monotonic()
    client.get_remediation(C, I, R)
    # The backoff alone would wait 10 ms; the server asked for one second.
    assert time.monotonic() - started >= 0.95
    assert len(server.calls("GET", ONE)) == 2


def test_rate_limit_error_carries_retry_after_when_exhausted(server):
    limited = Scripted(429, {"code": 8, "message": "slow down", "details": []}, headers={"Retry-After": "0"})
    server.script("GET", ONE, limited)
    with TogetherClient(api_key=SECRET, base_url=server.base_url, retry=RetryPolicy(max_attempts=2)) as c:
        with pytest.raises(errors.RateLimitedError) as info:
            c.get_remediation(C, I, R)
    assert info.value.retry_after == 0.0
    assert info.value.http_status == 429


def test_list_sends_filters_as_the_sdk_does_and_iterates_every_page(server, client):
    path = f"/compute/clusters/{C}/instances/-/remediations"
    pages = [
        Scripted(200, {"remediations": [remediation(f"r{n}") for n in range(3)], "has_next": True, "next_page_token": "t1"}),
        Scripted(200, {"remediations": [remediation("r3")], "has_next": True, "next_page_token": "t2"}),
        # The live API's last page: has_next false and an empty token.
        Scripted(200, {"remediations": [remediation("r4")], "has_next": False, "next_page_token": ""}),
    ]
    server.script("GET", path, *pages)
    got = list(
        client.iter_remediations(
            C,
            states=[RemediationState.PENDING, "RUNNING"],
            modes=[RemediationMode.HOST_AWARE, "REMEDIATION_MODE_VM_ONLY"],
            triggers=["REMEDIATION_TRIGGER_AUTOMATED"],
            order_by="create_time desc",
            page_size=3,
        )
    )
    assert [r.id for r in got] == ["r0", "r1", "r2", "r3", "r4"]
    calls = server.calls("GET", path)
    assert len(calls) == 3
    # One parameter per filter, values joined by commas, snake_case names: the SDK's query.
    filters = [
        ("mode", "REMEDIATION_MODE_HOST_AWARE,REMEDIATION_MODE_VM_ONLY"),
        ("state", "PENDING,RUNNING"),
        ("trigger", "REMEDIATION_TRIGGER_AUTOMATED"),
        ("order_by", "create_time desc"),
        ("page_size", "3"),
    ]
    assert calls[0].query == filters
    assert calls[1].query == filters + [("page_token", "t1")]
    assert calls[2].query == filters + [("page_token", "t2")]


def test_list_without_filters_sends_no_parameters(server, client):
    server.script("GET", LIST, Scripted(200, {"remediations": [], "has_next": False, "next_page_token": ""}))
    assert client.list_remediations(C, I, states=[], modes=None).remediations == []
    assert server.calls("GET", LIST)[0].query == []


def test_a_filter_given_as_one_string_is_refused_not_split_into_letters(server, client):
    with pytest.raises(TypeError, match=r"states takes a list"):
        client.list_remediations(C, I, states="PENDING")
    assert server.requests == []


def test_approve_sends_comment_and_mode_override(server, client):
    server.script("POST", f"{ONE}/approve", Scripted(200, remediation(state="PENDING")))
    client.approve_remediation(C, I, R, comment="use a new VM", mode=RemediationMode.VM_ONLY)
    client.approve_remediation(C, I, R)
    with_mode, bare = server.calls("POST", f"{ONE}/approve")
    assert with_mode.body == {"comment": "use a new VM", "mode": "REMEDIATION_MODE_VM_ONLY"}
    assert bare.body == {}


@pytest.mark.parametrize(
    "status,code,cls",
    [
        (404, 5, errors.NotFoundError),
        (400, 9, errors.FailedPreconditionError),
        (409, 6, errors.AlreadyExistsError),
        (400, 3, errors.InvalidArgumentError),
        (401, 16, errors.UnauthenticatedError),
        (403, 7, errors.PermissionDeniedError),
        (500, 13, errors.TogetherAPIError),
    ],
)
def test_rpc_status_maps_to_typed_errors_quoting_the_api(server, client, status, code, cls):
    server.script("POST", f"{ONE}/approve", Scripted(status, {"code": code, "message": "the API says no", "details": []}))
    with pytest.raises(cls) as info:
        client.approve_remediation(C, I, R)
    assert type(info.value) is cls
    text = str(info.value)
    assert "the API says no" in text
    assert f"POST /v1/compute/clusters/{C}/instances/{I}/remediations/{R}/approve" in text
    assert info.value.code == code and info.value.http_status == status


def test_non_json_error_body_still_gives_a_clear_error(server, client):
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.script("GET", f"/compute/clusters/{C}", Scripted(502, raw=html, headers={"Content-Type": "text/html"}))
    with pytest.raises(errors.UnavailableError) as info:
        client.get_cluster(C)
    assert "unexpected text/html response" in str(info.value)
    assert "HTTP 502" in str(info.value)


def test_clusters_are_read_without_the_kube_config(server, client):
    cluster = {
        "cluster_id": C,
        "cluster_name": "training",
        "status": "Ready",
        "kube_config": "apiVersion: v1\nusers: [token: very-secret]",
        "gpu_worker_nodes": [
            {"node_id": "n1", "node_name": "gpu-01", "status": "Ready", "instance_id": I,
             "latest_remediation": remediation(state="SUCCEEDED")},
        ],
    }
    server.script("GET", f"/compute/clusters/{C}", Scripted(200, cluster))
    server.script("GET", "/compute/clusters", Scripted(200, {"clusters": [cluster]}))
    info = client.get_cluster(C)
    assert info.gpu_worker_nodes[0].latest_remediation.state is RemediationState.SUCCEEDED
    assert "very-secret" not in info.model_dump_json()
    assert [c.cluster_name for c in client.list_clusters()] == ["training"]


def test_the_key_never_appears_in_repr_errors_or_logs(server, client, caplog):
    caplog.set_level(logging.DEBUG)
    server.script("GET", ONE, Scripted(401, {"code": 16, "message": "invalid API key", "details": []}))
    with pytest.raises(errors.UnauthenticatedError) as info:
        client.get_remediation(C, I, R)
    server.script("GET", LIST, Scripted(reset=True))
    with pytest.raises(errors.UnavailableError) as reset:
        client.list_remediations(C, I)
    seen = " ".join([repr(client), str(info.value), repr(info.value), str(reset.value), caplog.text])
    assert SECRET not in seen
    assert "<set>" in repr(client)


@pytest.mark.parametrize("form", ["root", "root/", "root/v1", "root/v1/"])
def test_key_and_base_url_come_from_the_environment_in_either_form(server, monkeypatch, form):
    monkeypatch.setenv("TOGETHER_API_KEY", SECRET)
    monkeypatch.setenv("TOGETHER_BASE_URL", form.replace("root", server.root_url))
    server.script("GET", ONE, Scripted(200, remediation()))
    with TogetherClient() as c:
        c.get_remediation(C, I, R)
        assert c.base_url == server.root_url
    (call,) = server.calls("GET", ONE)
    assert call.path == f"/v1{ONE}"
    assert call.headers["Authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize("form", ["root", "root/v1"])
def test_base_url_argument_in_either_form_reaches_the_v1_paths(server, form):
    server.script("GET", "/compute/clusters", Scripted(200, {"clusters": []}))
    with TogetherClient(api_key=SECRET, base_url=form.replace("root", server.root_url)) as c:
        assert c.list_clusters() == []
    assert [r.path for r in server.requests] == ["/v1/compute/clusters"]


def test_the_default_base_url_is_the_sdks(monkeypatch):
    monkeypatch.delenv("TOGETHER_BASE_URL", raising=False)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"clusters": []})

    with TogetherClient(api_key=SECRET, transport=httpx.MockTransport(answer)) as c:
        c.list_clusters()
    assert DEFAULT_BASE_URL == "https://api.together.ai"
    assert seen == ["https://api.together.ai/v1/compute/clusters"]


def test_the_client_is_safe_to_share_between_threads(server, client):
    from concurrent.futures import ThreadPoolExecutor

    server.script("GET", ONE, Scripted(200, remediation()))
    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(lambda _: client.get_remediation(C, I, R).id, range(64)))
    assert ids == [R] * 64
    assert len(server.calls("GET", ONE)) == 64


# ---- answers the models cannot read ------------------------------------------------------------


def test_malformed_json_is_one_clear_error_naming_the_request(server, client):
    server.script("GET", ONE, Scripted(200, raw=b'{"id": "r1", "state": ', headers={"Content-Type": "application/json"}))
    with pytest.raises(errors.ResponseFormatError) as info:
        client.get_remediation(C, I, R)
    text = str(info.value)
    assert text.startswith(f"GET /v1{ONE}: the answer is not JSON (application/json, 22 bytes) (HTTP 200)")
    assert "JSONDecodeError" not in text and "Expecting value" not in text
    assert isinstance(info.value, errors.TogetherAPIError)


def test_missing_fields_are_named_by_their_path_without_a_pydantic_dump(server, client):
    node = {"node_id": "gpu-01", "latest_remediation": {k: v for k, v in remediation().items() if k != "mode"}}
    broken = {"cluster_id": C, "kube_config": "token: very-secret", "gpu_worker_nodes": [node, {"phase_transitions": [{}]}]}
    server.script("GET", f"/compute/clusters/{C}", Scripted(200, broken))
    with pytest.raises(errors.ResponseFormatError) as info:
        client.get_cluster(C)
    assert info.value.problems == [
        "gpu_worker_nodes[0].latest_remediation.mode: field required",
        "gpu_worker_nodes[1].phase_transitions[0].phase: field required",
    ]
    text = str(info.value)
    assert text == (
        f"GET /v1/compute/clusters/{C}: the answer does not have the expected shape: "
        "gpu_worker_nodes[0].latest_remediation.mode: field required; "
        "gpu_worker_nodes[1].phase_transitions[0].phase: field required"
    )
    assert "very-secret" not in text and "input_value" not in text and "pydantic" not in text


def test_a_wrong_type_in_an_enum_field_is_one_line(server, client):
    server.script("GET", ONE, Scripted(200, remediation(mode=5)))
    with pytest.raises(errors.ResponseFormatError) as info:
        client.get_remediation(C, I, R)
    assert info.value.problems == ["mode: input should be a valid string"]


def test_an_unknown_enum_value_is_kept_and_shown(server, client):
    server.script("GET", ONE, Scripted(200, remediation(state="PAUSED", mode="REMEDIATION_MODE_FIRMWARE_FLASH")))
    got = client.get_remediation(C, I, R)
    assert got.state == "PAUSED" and got.mode == "REMEDIATION_MODE_FIRMWARE_FLASH"
    assert not got.is_terminal


@pytest.mark.parametrize("remediation_id", [None, R])
def test_a_non_json_answer_to_a_create_says_it_may_have_happened(server, client, remediation_id):
    page = b"<html><body>OK</body></html>"
    server.script("POST", LIST, Scripted(200, raw=page, headers={"Content-Type": "text/html"}))
    with pytest.raises(errors.ResponseFormatError) as info:
        client.create_remediation(C, I, "REMEDIATION_MODE_REBOOT_VM", remediation_id=remediation_id)
    text = str(info.value)
    assert f"POST /v1{LIST}: the answer is not JSON (text/html, {len(page)} bytes) (HTTP 200)" in text
    assert "The create may have happened on the server: the next apply finds the remediation." in text
    assert len(server.calls("POST", LIST)) == 1  # a success is never repeated


def test_an_unreadable_create_answer_says_it_may_have_happened(server, client):
    server.script("POST", LIST, Scripted(200, {"id": R}))
    with pytest.raises(errors.ResponseFormatError) as info:
        client.create_remediation(C, I, "REMEDIATION_MODE_REBOOT_VM", remediation_id=R)
    assert "cluster_id: field required" in info.value.problems
    assert "the next apply finds the remediation" in str(info.value)


# ---- secrets -------------------------------------------------------------------------------------


def _all_text(exc: BaseException) -> str:
    """Everything a user or a log could see of an exception, its chain included."""
    return "".join(traceback.format_exception(exc)) + repr(exc) + repr(getattr(exc, "__context__", None))


@pytest.mark.parametrize("given", [f"{SECRET}\n", f"  {SECRET}\r\n", f"\t{SECRET} "])
def test_the_key_is_trimmed_of_surrounding_whitespace(server, given):
    server.script("GET", ONE, Scripted(200, remediation()))
    with TogetherClient(api_key=given, base_url=server.root_url, retry=FAST) as c:
        c.get_remediation(C, I, R)
    assert server.calls("GET", ONE)[0].headers["Authorization"] == f"Bearer {SECRET}"


def test_a_key_from_the_environment_is_trimmed_too(server, monkeypatch):
    monkeypatch.setenv("TOGETHER_API_KEY", SECRET + "\n")
    server.script("GET", ONE, Scripted(200, remediation()))
    with TogetherClient(base_url=server.root_url) as c:
        c.get_remediation(C, I, R)
    assert server.calls("GET", ONE)[0].headers["Authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize(
    "bad,problem",
    [
        ("sk-first-half\nsk-second-half", "whitespace inside it"),
        ("sk-first-half sk-second-half", "whitespace inside it"),
        ("sk-first-half\x00sk-second-half", "a control character"),
        ("sk-first-half\x7fsk-second-half", "a control character"),
        ("sk-first-half\u043a\u043b\u044e\u0447sk-second-half", "a character outside Latin-1"),
    ],
)
def test_a_key_that_cannot_be_a_header_is_refused_without_showing_it(server, bad, problem):
    with pytest.raises(errors.InvalidApiKeyError) as info:
        TogetherClient(api_key=bad, base_url=server.root_url)
    assert isinstance(info.value, ValueError) and info.value.setting == "api_key"
    text = _all_text(info.value)
    assert "api_key" in str(info.value) and problem in str(info.value)
    assert "sk-first-half" not in text and "sk-second-half" not in text
    assert server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "https://alice:hunter2-secret@api.together.ai",
        "https://alice:hunter2-secret@api.together.ai/v1",
        "https://hunter2-secret@api.together.ai",
        "http://alice:hunter2-secret@127.0.0.1:8080/v1",
    ],
)
def test_a_base_url_with_credentials_is_refused_without_the_password(url, monkeypatch):
    with pytest.raises(errors.InvalidBaseURLError) as info:
        TogetherClient(api_key=SECRET, base_url=url)
    monkeypatch.setenv("TOGETHER_BASE_URL", url)
    with pytest.raises(errors.InvalidBaseURLError) as from_env:
        TogetherClient(api_key=SECRET)
    for exc in (info.value, from_env.value):
        assert "must not carry credentials" in str(exc) and exc.setting == "base_url"
        text = _all_text(exc)
        assert "hunter2-secret" not in text and "alice" not in text


def test_a_base_url_that_is_not_http_is_refused():
    with pytest.raises(errors.InvalidBaseURLError, match="is not an http"):
        TogetherClient(api_key=SECRET, base_url="ftp://api.together.ai")


def test_an_api_message_echoing_the_key_or_the_header_is_redacted(server, client):
    echo = f"invalid key {SECRET}; got header Authorization: Bearer {SECRET}"
    details = [{"@type": "debug", "header": f"Bearer {SECRET}"}]
    server.script("GET", ONE, Scripted(401, {"code": 16, "message": echo, "details": details}))
    with pytest.raises(errors.UnauthenticatedError) as info:
        client.get_remediation(C, I, R)
    assert SECRET not in _all_text(info.value) and SECRET not in repr(info.value.details)
    assert "invalid key <redacted>; got header Authorization: Bearer <redacted>" in str(info.value)


def test_an_echoed_bearer_token_other_than_our_key_is_redacted_too(server, client):
    server.script("GET", ONE, Scripted(403, {"code": 7, "message": "Bearer tgp_v1_someoneelseskey0123 may not", "details": []}))
    with pytest.raises(errors.PermissionDeniedError) as info:
        client.get_remediation(C, I, R)
    assert "tgp_v1_someoneelseskey0123" not in str(info.value) and "Bearer <redacted> may not" in str(info.value)


def test_a_transport_error_quoting_the_key_is_redacted():
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"proxy refused {request.headers['Authorization']}", request=request)

    with TogetherClient(api_key=SECRET, transport=httpx.MockTransport(fail), retry=FAST) as c:
        with pytest.raises(errors.UnavailableError) as info:
            c.get_remediation(C, I, R)
    assert "could not reach the API (ConnectError: proxy refused Bearer <redacted>)" in str(info.value)
    assert SECRET not in _all_text(info.value)


# ---- ids never reach another route -------------------------------------------------------------

BAD_SEGMENTS = ["", ".", "..", "a/b", "../other", "a\\b", "a?b", "a#b", "a%2Fb", "a b", "a\tb", "a\nb", "a\x00b", "a\x7fb", " a"]
CALLS = {
    "create": lambda c, ids: c.create_remediation(ids["cluster_id"], ids["instance_id"], "REMEDIATION_MODE_REBOOT_VM"),
    "create_with_id": lambda c, ids: c.create_remediation(
        ids["cluster_id"], ids["instance_id"], "REMEDIATION_MODE_REBOOT_VM", remediation_id=ids["remediation_id"]
    ),
    "get": lambda c, ids: c.get_remediation(ids["cluster_id"], ids["instance_id"], ids["remediation_id"]),
    "list": lambda c, ids: c.list_remediations(ids["cluster_id"], ids["instance_id"]),
    "approve": lambda c, ids: c.approve_remediation(ids["cluster_id"], ids["instance_id"], ids["remediation_id"]),
    "reject": lambda c, ids: c.reject_remediation(ids["cluster_id"], ids["instance_id"], ids["remediation_id"]),
    "cancel": lambda c, ids: c.cancel_remediation(ids["cluster_id"], ids["instance_id"], ids["remediation_id"]),
    "get_cluster": lambda c, ids: c.get_cluster(ids["cluster_id"]),
}
USES = {
    "create": ("cluster_id", "instance_id"),
    "create_with_id": ("cluster_id", "instance_id", "remediation_id"),
    "list": ("cluster_id", "instance_id"),
    "get_cluster": ("cluster_id",),
}


ALL_IDS = ("cluster_id", "instance_id", "remediation_id")


@pytest.mark.parametrize("call,field", [(call, field) for call in CALLS for field in USES.get(call, ALL_IDS)])
def test_every_bad_path_segment_is_refused_before_sending(server, client, call, field):
    for bad in BAD_SEGMENTS:
        ids = {"cluster_id": C, "instance_id": I, "remediation_id": R, field: bad}
        with pytest.raises(errors.InvalidIdError) as info:
            CALLS[call](client, ids)
        assert info.value.field == field
        assert str(info.value).count(field) >= 1 and "not sent" in str(info.value)
        assert isinstance(info.value, errors.InvalidArgumentError) and isinstance(info.value, ValueError)
    assert server.requests == []


def test_the_refusal_says_which_id_and_why(client):
    with pytest.raises(errors.InvalidIdError) as info:
        client.get_remediation(C, "../../clusters/other", R)
    assert str(info.value) == (
        "GET /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations/{remediation_id}: "
        "instance_id '../../clusters/other' contains a '/', which would change the request's path; not sent"
    )


def test_plain_ids_and_the_every_instance_wildcard_are_sent(server, client):
    odd = "node:gpu-05@rack+2"  # no path meaning: escaped, then sent
    server.script("GET", f"/compute/clusters/{C}/instances/node%3Agpu-05%40rack%2B2/remediations",
                  Scripted(200, {"remediations": [], "has_next": False, "next_page_token": ""}))
    server.script("GET", f"/compute/clusters/{C}/instances/-/remediations",
                  Scripted(200, {"remediations": [], "has_next": False, "next_page_token": ""}))
    client.list_remediations(C, odd)
    client.list_remediations(C)
    assert len(server.requests) == 2 and all(r.path.endswith("/remediations") for r in server.requests)


def test_a_remediation_id_is_sent_in_its_canonical_form(server, client):
    spelled = "{" + R.upper() + "}"
    server.script("GET", ONE, Scripted(200, remediation()))
    server.script("POST", LIST, Scripted(200, remediation()))
    client.get_remediation(C, I, spelled)
    client.create_remediation(C, I, "REMEDIATION_MODE_REBOOT_VM", remediation_id="urn:uuid:" + R.upper())
    assert len(server.calls("GET", ONE)) == 1
    assert server.calls("POST", LIST)[0].query == [("remediation_id", R)]


def test_a_create_whose_answer_was_lost_says_it_may_have_happened_but_a_refused_one_does_not(server, client):
    server.script("POST", LIST, Scripted(reset=True))
    with pytest.raises(errors.UnavailableError) as lost:
        client.create_remediation(C, I, "REMEDIATION_MODE_REBOOT_VM")
    assert "The create was not sent twice" in str(lost.value) and "The create may have happened" in str(lost.value)
    server.script("POST", LIST, unavailable(503))
    with pytest.raises(errors.UnavailableError) as refused:
        client.create_remediation(C, I, "REMEDIATION_MODE_REBOOT_VM")
    assert str(refused.value) == (
        f"POST /v1{LIST}: backend unavailable (UNAVAILABLE, HTTP 503). The create was not sent twice: "
        "without a remediation_id a second attempt could make a second remediation."
    )
