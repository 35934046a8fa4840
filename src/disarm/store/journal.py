"""The commit journal of a directory log: one small record per batch.

Layout: a header ``DTJ1 | base size u64 | history length u64 | crc32 u32`` then records
``kind u8 | a u64 | b u64 | payload length u64 | crc32 u32 | payload``. Kind ``A`` commits an
append (a = first index, b = count; payload = ``data offset u64 | data length u64 | crc32 of
those data bytes u32``: the entries themselves are in the ``data`` file); kind ``C`` stores a
checkpoint (a = tree size, payload = the signed note). The record CRC covers the fields and the
payload, the data CRC the entries, so a batch torn by a crash is recognised and dropped (it was
never acknowledged). Everything up to ``base size`` (and the first ``history length`` bytes of
the checkpoint history) is known durable; the records after it are replayed on open.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from disarm.errors import VerificationError

MAGIC = b"DTJ1"
HEADER = struct.Struct(">4sQQI")
RECORD = struct.Struct(">cQQQI")
APPEND = b"A"
CHECKPOINT = b"C"


@dataclass(frozen=True)
class Record:
    kind: bytes
    a: int
    b: int
    payload: bytes
    offset: int  # where the record starts in the journal


APPENDED = struct.Struct(">QQI")


def append_payload(data_offset: int, data: bytes | memoryview) -> bytes:
    """The payload of an ``A`` record: where the batch's entries are in ``data``, and their CRC."""
    return APPENDED.pack(data_offset, len(data), zlib.crc32(data))


def encode_header(base_size: int, history_length: int) -> bytes:
    body = struct.pack(">4sQQ", MAGIC, base_size, history_length)
    return body + struct.pack(">I", zlib.crc32(body))


def decode_header(data: bytes, *, source: str) -> tuple[int, int]:
    """(base size, history length); raises VerificationError if the header is damaged."""
    if len(data) < HEADER.size:
        raise VerificationError(
            "journal header is truncated", source=source, expected=HEADER.size, computed=len(data)
        )
    magic, base, history, crc = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise VerificationError(
            "journal has a wrong magic number (byte 0)",
            source=source,
            expected=MAGIC,
            computed=magic,
        )
    computed = zlib.crc32(data[: HEADER.size - 4])
    if crc != computed:
        raise VerificationError(
            "journal header checksum mismatch (bytes 0-27)",
            source=source,
            expected=f"{crc:08x}",
            computed=f"{computed:08x}",
        )
    return base, history


def encode_record(kind: bytes, a: int, b: int, payload: bytes | memoryview) -> bytes:
    fields = struct.pack(">cQQQ", kind, a, b, len(payload))
    crc = zlib.crc32(payload, zlib.crc32(fields))
    return fields + struct.pack(">I", crc)


def read_records(data: bytes) -> tuple[list[Record], int]:
    """The complete, intact records after the header, and the byte offset where they end."""
    records: list[Record] = []
    pos = HEADER.size
    view = memoryview(data)
    while pos + RECORD.size <= len(data):
        kind, a, b, length, crc = RECORD.unpack_from(data, pos)
        end = pos + RECORD.size + length
        if kind not in (APPEND, CHECKPOINT) or end > len(data):
            break
        payload = view[pos + RECORD.size : end]
        if zlib.crc32(payload, zlib.crc32(view[pos : pos + RECORD.size - 4])) != crc:
            break
        records.append(Record(kind, a, b, bytes(payload), pos))
        pos = end
    return records, pos
