"""An alert's typed ``annotation``: given through the admin API, or derived from its name and
its legacy ``annotations`` map the way the live API parses Alertmanager's annotations."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from together_api.models import AlertAnnotation

from together_simulator.errors import invalid

# Driver mnemonics of the Xid codes a GPU fleet sees most (NVIDIA's Xid catalogue).
XID_MNEMONICS = {
    "13": "Graphics Engine Exception",
    "31": "GPU memory page fault",
    "43": "GPU stopped processing",
    "45": "Preemptive cleanup, due to previous errors",
    "48": "Double Bit ECC Error",
    "63": "ECC page retirement or row remapping recording event",
    "64": "ECC page retirement or row remapper recording failure",
    "74": "NVLink Error",
    "79": "GPU has fallen off the bus",
    "92": "High single-bit ECC error rate",
    "94": "Contained ECC error",
    "95": "Uncontained ECC error",
    "119": "GSP RPC Timeout",
}
XID_IN_TEXT = re.compile(r"\bxid[\s:=#]*(\d+)", re.IGNORECASE)


def parse_annotation(value: Any) -> dict[str, Any]:
    """An annotation given to the admin API, checked against the API's model."""
    if not isinstance(value, dict):
        raise invalid("annotation must be an object: title, summary_line, description, xid?, slurm_node_unavailable?")
    try:
        return AlertAnnotation.model_validate(value).to_api()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise invalid(f"annotation.{where}: {first['msg']}") from None


def derived_annotation(alert_name: str, annotations: dict[str, str]) -> dict[str, Any]:
    """What the live API would parse out of an alert without a typed annotation."""
    summary = annotations.get("summary", "")
    annotation: dict[str, Any] = {
        "title": annotations.get("title") or summary or alert_name,
        "summary_line": annotations.get("summary_line") or annotations.get("evidence") or summary,
        "description": annotations.get("description", ""),
    }
    codes: list[str] = []
    if annotations.get("xid"):
        codes = [code.strip() for code in annotations["xid"].split(",") if code.strip()]
    elif "xid" in alert_name.lower():
        text = " ".join((summary, annotations.get("description", "")))
        codes = list(dict.fromkeys(XID_IN_TEXT.findall(text)))
    if codes:
        annotation["xid"] = {
            "events": [{"xid_code": code, "mnemonic": XID_MNEMONICS.get(code, ""), "count": 1} for code in codes]
        }
    if "slurm" in alert_name.lower() and (annotations.get("reason") or annotations.get("drain_reason")):
        annotation["slurm_node_unavailable"] = {"reason": annotations.get("reason") or annotations["drain_reason"]}
    return AlertAnnotation.model_validate(annotation).to_api()
