import pytest

from routers.simulator.protocol import (
    ProtocolError,
    SentenceReader,
    decode_length,
    encode_length,
    encode_sentence,
)

# (length, expected prefix) for each of the five forms, from the MikroTik API manual.
CASES = [
    (0, "00"), (0x7F, "7f"), (0x80, "8080"), (300, "812c"), (0x3FFF, "bfff"),
    (0x4000, "c04000"), (0x1FFFFF, "dfffff"), (0x200000, "e0200000"),
    (0xFFFFFFF, "efffffff"), (0x10000000, "f010000000"),
]


@pytest.mark.parametrize("length,prefix", CASES)
def test_it_encodes_and_decodes_all_five_length_forms(length, prefix):
    assert encode_length(length).hex() == prefix
    assert decode_length(bytes.fromhex(prefix)) == length


def test_it_reads_words_split_and_joined_across_reads():
    data = (encode_sentence(["/login", "=name=admin", "=password=" + "x" * 300])
            + b"\x00"  # an empty sentence: ignored
            + encode_sentence(["/ip/pool/print", ".tag=7"]))
    reader = SentenceReader()
    got = []
    for i in range(len(data)):  # one byte at a time
        got += reader.feed(data[i : i + 1])
    assert got == [["/login", "=name=admin", "=password=" + "x" * 300],
                   ["/ip/pool/print", ".tag=7"]]
    assert SentenceReader().feed(data) == got


def test_it_rejects_reserved_control_bytes():
    with pytest.raises(ProtocolError):
        SentenceReader().feed(b"\xf8abc")
