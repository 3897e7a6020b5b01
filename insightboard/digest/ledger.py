"""The delivery ledger's two writes: a claim before a message is sent, and a mark after it.

A delivery is claimed with a fresh token by a conditional UPDATE, and only the holder of that
token may mark it. They run once per message each, thousands of times a minute, so they are
plain SQL written once (the ORM compiled them for more than the round trip cost), and a mark
goes with the next claim in one statement on PostgreSQL. Every claim and mark is committed, to
disk, before the next step: the ledger is as durable as the database.
"""

import datetime
import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from insightboard.digest.models import Delivery, DeliveryStatus, Digest


# Claim and mark run once per message each, thousands of times a minute: they are written as
# SQL once, rather than compiled by the ORM every time (that cost more than the round trip).
@functools.cache
def ledger_sql(vendor: str) -> tuple[str, str]:
    """(claim, mark) for this database; names from the model, quoted, and values as parameters."""
    quote = connection.ops.quote_name
    table = quote(Delivery._meta.db_table)
    column = {field.name: quote(str(field.column)) for field in Delivery._meta.concrete_fields}
    # Only the model's own table and columns, quoted, go into the text (hence the noqa).
    claim_sql = (
        f"UPDATE {table} SET {column['status']} = %s, {column['claim_token']} = %s, "  # noqa: S608
        f"{column['claimed_at']} = %s, {column['attempts']} = {column['attempts']} + 1 "
        f"WHERE {column['id']} = %s AND (({column['status']} = %s AND "
        f"({column['next_attempt_at']} IS NULL OR {column['next_attempt_at']} <= %s)) "
        f"OR ({column['status']} = %s AND {column['claimed_at']} < %s))"
    )
    mark_sql = (
        f"UPDATE {table} SET {column['status']} = %s, {column['answer']} = %s, "  # noqa: S608
        f"{column['smtp_code']} = %s, {column['next_attempt_at']} = %s, "
        f"{column['finished_at']} = %s, {column['claim_token']} = NULL, "
        f"{column['attempts']} = {column['attempts']} - %s "
        f"WHERE {column['id']} = %s AND {column['claim_token']} = %s AND {column['status']} = %s"
    )
    return claim_sql, mark_sql


def db_time(moment: datetime.datetime | None) -> Any:
    return Delivery._meta.get_field("claimed_at").get_db_prep_value(moment, connection)


def db_token(token: uuid.UUID) -> Any:
    return Delivery._meta.get_field("claim_token").get_db_prep_value(token, connection)


@dataclass(frozen=True)
class Mark:
    """What happened to a claimed delivery, for the holder of its claim to record."""

    delivery_id: int
    token: uuid.UUID
    status: str
    answer: str
    code: int | None = None
    next_attempt_at: datetime.datetime | None = None
    # The try its claim counted does not count against the recipient.
    uncount: bool = False
    finished_at: datetime.datetime | None = None

    def params(self) -> list[Any]:
        return [
            str(self.status),
            self.answer[:1000],
            self.code,
            db_time(self.next_attempt_at),
            db_time(self.finished_at),
            1 if self.uncount else 0,
            self.delivery_id,
            db_token(self.token),
            DeliveryStatus.CLAIMED.value,
        ]


def claim(
    delivery_id: int, *, now: datetime.datetime, after: Mark | None = None
) -> uuid.UUID | None:
    """Take a delivery to send it: a fresh token, or None when it is done or someone holds it.

    Waiting and due, or claimed longer than INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT ago by a process
    that must have died; one conditional UPDATE, so two processes never both take it. `after`,
    the mark of the delivery sent before, is written first: on PostgreSQL in the same statement,
    one round trip for both."""
    token = uuid.uuid4()
    stale = now - datetime.timedelta(seconds=settings.INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT)
    claim_sql, mark_sql = ledger_sql(connection.vendor)
    claimed, pending = DeliveryStatus.CLAIMED.value, DeliveryStatus.PENDING.value
    at = db_time(now)
    params = [claimed, db_token(token), at, delivery_id, pending, at, claimed, db_time(stale)]
    if after is not None and connection.vendor == "postgresql":
        claim_sql = f"WITH marked AS ({mark_sql} RETURNING 1) {claim_sql}"
        params = [*after.params(), *params]
    elif after is not None:
        mark_write(after)
    with connection.cursor() as cursor:
        cursor.execute(claim_sql, params)
        return token if cursor.rowcount else None


def mark(
    delivery_id: int,
    token: uuid.UUID,
    *,
    status: str,
    answer: str,
    code: int | None = None,
    next_attempt_at: datetime.datetime | None = None,
    uncount: bool = False,
) -> bool:
    """Record what happened, if the token still holds the claim."""
    return mark_write(marked(delivery_id, token, status, answer, code, next_attempt_at, uncount))


def marked(
    delivery_id: int,
    token: uuid.UUID,
    status: str,
    answer: str,
    code: int | None = None,
    next_attempt_at: datetime.datetime | None = None,
    uncount: bool = False,
) -> Mark:
    finished = None if status == DeliveryStatus.PENDING else timezone.now()
    return Mark(delivery_id, token, status, answer, code, next_attempt_at, uncount, finished)


def mark_write(record: Mark) -> bool:
    _, mark_sql = ledger_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(mark_sql, record.params())
        return bool(cursor.rowcount)


@dataclass
class Ledger:
    """One sender's claims and marks, a round trip a message rather than two: each mark is
    written with the claim of the next delivery, or on its own by `flush()` when there is none.

    A mark still reaches the database before the next message is sent (with that message's
    claim), so a sender killed part-way leaves at most its one message in flight unrecorded.
    """

    waiting: Mark | None = None

    def claim(self, delivery_id: int, *, now: datetime.datetime) -> uuid.UUID | None:
        after, self.waiting = self.waiting, None
        return claim(delivery_id, now=now, after=after)

    def mark(
        self,
        delivery_id: int,
        token: uuid.UUID,
        *,
        status: str,
        answer: str,
        code: int | None = None,
        next_attempt_at: datetime.datetime | None = None,
        uncount: bool = False,
    ) -> None:
        self.flush()
        self.waiting = marked(delivery_id, token, status, answer, code, next_attempt_at, uncount)

    def flush(self) -> None:
        if self.waiting is not None:
            mark_write(self.waiting)
            self.waiting = None


def sendable(digest: Digest, *, now: datetime.datetime, limit: int) -> list[int]:
    """Up to `limit` deliveries that may be sent now: waiting, or claimed by a lost process."""
    stale = now - datetime.timedelta(seconds=settings.INSIGHTBOARD_DIGEST_CLAIM_TIMEOUT)
    ready = Q(status=DeliveryStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    lost = Q(status=DeliveryStatus.CLAIMED, claimed_at__lt=stale)
    return list(
        Delivery.objects.filter(ready | lost, digest=digest)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
