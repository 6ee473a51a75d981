"""Small real images for photo tests, made here (no image library needed)."""
from __future__ import annotations

import hashlib
import struct
import zlib


def png(width: int = 4, height: int = 3, shade: int = 0) -> bytes:
    """A valid RGB PNG of one colour."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        """One PNG chunk: length, type, data, CRC."""
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    rows = b"".join(b"\x00" + bytes([shade, 100, 200]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A JPEG's header segments as a phone writes them (JFIF, a quantisation table, the frame)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + dqt + sof0 + b"\xff\xd9"


def webp(width: int = 640, height: int = 480) -> bytes:
    """An extended (VP8X) WebP header."""
    payload = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def sha256(body: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(body).hexdigest()
