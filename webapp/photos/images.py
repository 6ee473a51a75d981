"""Recognise JPEG, PNG and WebP by their magic bytes and read their size from the header alone."""
from __future__ import annotations

import struct
from dataclasses import dataclass

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
# JPEG start-of-frame markers carry the image size (C4, C8 and CC are other segments).
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True)
class ImageInfo:
    """What the header says: the type and, when it can be read cheaply, the size in pixels."""

    content_type: str
    width: int | None = None
    height: int | None = None


def sniff(body: bytes) -> ImageInfo | None:
    """The image's type and size, or None when ``body`` is not a JPEG, PNG or WebP."""
    if body[:3] == b"\xff\xd8\xff":
        return ImageInfo(JPEG, *_jpeg_size(body))
    if body[:8] == b"\x89PNG\r\n\x1a\n":
        return ImageInfo(PNG, *_png_size(body))
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return ImageInfo(WEBP, *_webp_size(body))
    return None


def _png_size(body: bytes) -> tuple[int | None, int | None]:
    """Width and height from the IHDR chunk."""
    if len(body) < 24 or body[12:16] != b"IHDR":
        return None, None
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def _jpeg_size(body: bytes) -> tuple[int | None, int | None]:
    """Width and height from the first start-of-frame segment."""
    position = 2
    while position + 9 <= len(body):
        if body[position] != 0xFF:
            return None, None
        marker = body[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            position += 2
            continue
        (length,) = struct.unpack(">H", body[position + 2:position + 4])
        if marker in _SOF_MARKERS:
            height, width = struct.unpack(">HH", body[position + 5:position + 9])
            return width, height
        position += 2 + length
    return None, None


def _webp_size(body: bytes) -> tuple[int | None, int | None]:
    """Width and height of a lossy (VP8), lossless (VP8L) or extended (VP8X) WebP."""
    chunk = body[12:16]
    if chunk == b"VP8 " and len(body) >= 30:
        width, height = struct.unpack("<HH", body[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(body) >= 25:
        bits = int.from_bytes(body[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(body) >= 30:
        return int.from_bytes(body[24:27], "little") + 1, int.from_bytes(body[27:30], "little") + 1
    return None, None
