"""The RouterOS API wire format: length-prefixed words grouped into sentences.

A word is a length prefix (1 to 5 bytes, big-endian) followed by that many bytes.
A sentence is a run of words ended by a zero-length word. This module knows
nothing about commands; it only turns bytes into sentences and back.
"""

from __future__ import annotations


class ProtocolError(Exception):
    """The peer sent bytes that are not a valid RouterOS API stream."""


def encode_length(length: int) -> bytes:
    """Encode a word length in the shortest of the five RouterOS forms."""
    if length < 0:
        raise ValueError("negative length")
    if length < 0x80:
        return bytes((length,))
    if length < 0x4000:
        return (length | 0x8000).to_bytes(2, "big")
    if length < 0x200000:
        return (length | 0xC00000).to_bytes(3, "big")
    if length < 0x10000000:
        return (length | 0xE0000000).to_bytes(4, "big")
    if length < 0x100000000:
        return b"\xf0" + length.to_bytes(4, "big")
    raise ValueError("word too long")


def length_size(first: int) -> int:
    """How many bytes the prefix starting with ``first`` occupies."""
    if first < 0x80:
        return 1
    if first < 0xC0:
        return 2
    if first < 0xE0:
        return 3
    if first < 0xF0:
        return 4
    if first < 0xF8:
        return 5
    # 0xF8..0xFF are reserved control bytes: no client may send them.
    raise ProtocolError(f"reserved control byte 0x{first:02X}")


def decode_length(prefix: bytes) -> int:
    """Decode a complete length prefix (as many bytes as length_size says)."""
    size = length_size(prefix[0])
    if len(prefix) != size:
        raise ProtocolError("truncated length prefix")
    if size == 1:
        return prefix[0]
    if size == 5:
        return int.from_bytes(prefix[1:5], "big")
    masks = {2: 0x3FFF, 3: 0x1FFFFF, 4: 0xFFFFFFF}
    return int.from_bytes(prefix, "big") & masks[size]


def encode_word(word: str | bytes) -> bytes:
    data = word.encode("utf-8") if isinstance(word, str) else word
    return encode_length(len(data)) + data


def encode_sentence(words: list[str] | tuple[str, ...]) -> bytes:
    return b"".join(encode_word(word) for word in words) + b"\x00"


class SentenceReader:
    """Incremental decoder: feed it whatever TCP delivered, take whole sentences out.

    Words may be split across reads and several sentences may arrive in one read,
    so all state lives here between calls.
    """

    # A single word above this size is refused: nothing the product sends comes
    # close, and it keeps a hostile peer from making us buffer gigabytes.
    max_word = 16 * 1024 * 1024

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._words: list[bytes] = []

    def feed(self, data: bytes) -> list[list[str]]:
        self._buffer += data
        sentences: list[list[str]] = []
        buffer = self._buffer
        pos = 0
        while pos < len(buffer):
            size = length_size(buffer[pos])
            if pos + size > len(buffer):
                break
            length = decode_length(bytes(buffer[pos : pos + size]))
            if length > self.max_word:
                raise ProtocolError("word too long")
            if pos + size + length > len(buffer):
                break
            start = pos + size
            pos = start + length
            if length == 0:
                # Terminator: an empty sentence (terminator with no words) is ignored.
                if self._words:
                    sentences.append([w.decode("utf-8", "replace") for w in self._words])
                    self._words = []
                continue
            self._words.append(bytes(buffer[start:pos]))
        del buffer[:pos]
        return sentences
