"""Ogg pages for the integration tests that make damaged or retagged Opus
files: split a file into its pages, and give a changed page its CRC again
(the CRC-32 of RFC 3533: polynomial 0x04C11DB7, no reflection, initial 0,
over the page with its CRC field zeroed)."""
import struct


def crc(data):
    c = 0
    for x in data:
        c ^= x << 24
        for _ in range(8):
            c = ((c << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if c & 0x80000000 else (c << 1) & 0xFFFFFFFF
    return c


def pages(b):
    """The pages of the Ogg file b, each a bytearray."""
    out, i = [], 0
    while i < len(b):
        assert b[i:i + 4] == b"OggS", "not an Ogg page at byte %d" % i
        n = b[i + 26]
        size = 27 + n + sum(b[i + 27:i + 27 + n])
        out.append(bytearray(b[i:i + size]))
        i += size
    return out


def fix(p, serial=None, seq=None):
    """Page p (a bytearray) with its serial or sequence number changed when
    given, and its CRC made anew."""
    if serial is not None:
        p[14:18] = struct.pack("<I", serial)
    if seq is not None:
        p[18:22] = struct.pack("<I", seq)
    p[22:26] = b"\0\0\0\0"
    p[22:26] = struct.pack("<I", crc(bytes(p)))
    return p
