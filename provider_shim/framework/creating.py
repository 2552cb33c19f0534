"""Posting a create exactly once, whether or not the API honours ``remediation_id``.

The POST is sent with the client's retries off. When its answer is lost (a reset, a time-out,
an unreadable body) or refused for now (5xx, 429), the create may or may not have happened; so
before posting again the provider lists the instance's newest remediations and looks for the
one it just posted, by canonical id, then by intent token. Found, it carries on with it; not
found, it posts again, after a backoff (the server's ``Retry-After`` when longer), at most
``max_retries`` more times, and not at all once Terraform asked the provider to stop.

Each create also says whether the API honoured the id: the response's id against the id sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from together_api.errors import RateLimitedError, ResponseFormatError, TogetherAPIError, UnavailableError
from together_api.ids import canonical_remediation_id

from provider_shim.framework.errors import ProviderError
from provider_shim.framework.identity import Intent, Position, RemediationIndex, own_remediations

log = logging.getLogger("provider_shim.creating")

LOOK_PAGE_SIZE = 50  # the create just posted is among the instance's newest remediations
NEWEST_FIRST = "create_time desc"
FIRST_BACKOFF = 0.25
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class Created:
    """The remediation a create of ``position`` made (or found it had made)."""

    remediation: Any
    position: Position
    sent_id: str
    honoured: bool  # the API answered with the id sent
    found_after_lost_answer: bool = False


def id_honoured(sent_id: str, remediation: Any) -> bool:
    return canonical_remediation_id(remediation.id) == canonical_remediation_id(sent_id)


def create_once(session: Any, intent: Intent, position: Position) -> Created:
    """Post the create of ``position``; after an answer that may hide a create, look before posting again."""
    sent_id = intent.id_at(position)
    mode, reason = intent.mode_at(position), intent.reason_at(position)
    client = session.client
    posts = session.settings.max_retries + 1
    last_error: TogetherAPIError | None = None
    for post in range(posts):
        if post > 0:
            found = _look(client, intent, position)
            if found is not None:
                log.info("found remediation %s of the lost create on %s/%s: not posting again", found.id, intent.cluster_id, intent.instance_id)
                return _created(found, position, sent_id, found_after_lost_answer=True)
            if session.stopping.wait(_backoff(post, last_error)):
                break
        try:
            remediation = client.create_remediation(
                intent.cluster_id, intent.instance_id, mode, reason, remediation_id=sent_id, retry=False
            )
        except (UnavailableError, RateLimitedError, ResponseFormatError) as error:
            log.info("create on %s/%s got no usable answer (%s); looking before posting again", intent.cluster_id, intent.instance_id, type(error).__name__)
            last_error = error
            continue
        return _created(remediation, position, sent_id)
    if last_error is not None:
        found = _look(client, intent, position)
        if found is not None:
            return _created(found, position, sent_id, found_after_lost_answer=True)
        raise last_error
    raise ProviderError("Stopped before the remediation was created", "Terraform asked the provider to stop.")


def _created(remediation: Any, position: Position, sent_id: str, *, found_after_lost_answer: bool = False) -> Created:
    honoured = id_honoured(sent_id, remediation)
    log.debug(
        "create of %s on %s/%s: the API %s remediation_id (its id: %s)",
        sent_id, remediation.cluster_id, remediation.instance_id, "honoured" if honoured else "did not honour", remediation.id,
    )
    return Created(remediation, position, sent_id, honoured, found_after_lost_answer)


def _look(client: Any, intent: Intent, position: Position) -> Any:
    """The remediation of ``position`` among the instance's newest, or None."""
    page = client.list_remediations(intent.cluster_id, intent.instance_id, order_by=NEWEST_FIRST, page_size=LOOK_PAGE_SIZE)
    for own in own_remediations(intent, RemediationIndex.of(page.remediations), position.attempt):
        if own.position == position:
            return own.remediation
    return None


def _backoff(post: int, error: TogetherAPIError | None) -> float:
    pause = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (post - 1))
    if isinstance(error, RateLimitedError) and error.retry_after is not None:
        pause = max(pause, min(error.retry_after, MAX_RETRY_AFTER))
    return pause
