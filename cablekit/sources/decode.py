"""Bytes into text, and text made safe to handle, without ever failing.

Cable files come as UTF-8, as Latin-1 or cp1252 (converted PDFs store the
pilcrow as the single byte 0xB6), and now and then as UTF-16 with a byte
order mark. The caller gets text plus a warning for any guess that was made.
"""

from __future__ import annotations

import re

from ..record import Defect

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_bytes(data: bytes) -> tuple[str, list[Defect]]:
    """Decode *data*, returning the text and a list of warnings."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            warnings = (
                []
                if encoding == "utf-8"
                else [Defect("encoding-bom", f"decoded as {encoding.upper()} (byte order mark)")]
            )
            if "\ufffd" in text:
                warnings.append(
                    Defect("invalid-bytes", f"some bytes were not valid {encoding.upper()} and were replaced")
                )
            return text, warnings
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        # cp1252 is a superset of Latin-1's printable range and also covers
        # the curly quotes Windows tools put into these files.
        return data.decode("cp1252"), [Defect("not-utf8", "text is not UTF-8; decoded as cp1252 (Windows Latin-1)")]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [Defect("not-utf8", "text is not UTF-8; decoded as Latin-1")]


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (JSON input can escape one: "\\ud800") cannot be written as
    UTF-8: each becomes U+FFFD. Returns (text, how many)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.subn("\ufffd", text)
    return text, 0


# Control characters other than tab and newline, including ESC and C1 codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ASCII_CONTROLS = bytes(range(0, 9)) + bytes(range(11, 32)) + b"\x7f"


def _has_c1(data: bytes) -> bool:
    """Whether UTF-8 *data* holds a C1 control (U+0080-U+009F, encoded C2 80-C2 9F)."""
    k = data.find(b"\xc2")
    while k >= 0:
        if data[k + 1] <= 0x9F:  # a lead byte C2 is always followed by 80-BF
            return True
        k = data.find(b"\xc2", k + 2)
    return False


def strip_controls(text: str, data: bytes | None = None) -> str:
    """Remove control characters (but tab and newline). *data*: the text as UTF-8, if known.

    Cable text is untrusted: this is what keeps escape sequences away from a terminal."""
    # Most cables hold no control character. Encoding and bytes.translate tell that
    # in two C passes; the regex scan alone took a tenth of the clean-up.
    if data is None:
        data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _ASCII_CONTROLS)) == len(data) and not _has_c1(data):
        return text
    return _CONTROL.sub("", text)
