"""Turn the bytes of a file into text without ever failing.

Cable files come as UTF-8, as Latin-1 or cp1252 (converted PDFs store the
pilcrow as the single byte 0xB6), and now and then as UTF-16 with a byte
order mark. The caller gets text plus a note of any guess that was made.
"""

from __future__ import annotations

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode *data*, returning the text and a list of warnings."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            warnings = [] if encoding == "utf-8" else [f"decoded as {encoding.upper()} (byte order mark)"]
            if "\ufffd" in text:
                warnings.append(f"some bytes were not valid {encoding.upper()} and were replaced")
            return text, warnings
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        # cp1252 is a superset of Latin-1's printable range and also covers
        # the curly quotes Windows tools put into these files.
        return data.decode("cp1252"), ["text is not UTF-8; decoded as cp1252 (Windows Latin-1)"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), ["text is not UTF-8; decoded as Latin-1"]
