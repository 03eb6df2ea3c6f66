"""Damage real cables the way real corpora are damaged (shared by the property
tests and the long fuzz campaign in bench/fuzz.py)."""

from __future__ import annotations

import random

ENCODINGS = ("latin-1", "cp1252", "utf-16", "utf-8")


def mutate(data: bytes, rng: random.Random, steps: int = 3) -> bytes:
    """Apply a few random kinds of damage to a file's bytes."""
    for _ in range(steps):
        kind = rng.randrange(9)
        lines = data.split(b"\n")
        if kind == 0 and lines:  # delete lines
            for _ in range(rng.randint(1, 5)):
                if lines:
                    del lines[rng.randrange(len(lines))]
            data = b"\n".join(lines)
        elif kind == 1 and lines:  # duplicate lines
            k = rng.randrange(len(lines))
            lines[k:k] = [lines[k]] * rng.randint(1, 3)
            data = b"\n".join(lines)
        elif kind == 2:  # shuffle a stretch of lines
            if len(lines) > 2:
                a = rng.randrange(len(lines) - 1)
                b = min(len(lines), a + rng.randint(2, 20))
                part = lines[a:b]
                rng.shuffle(part)
                lines[a:b] = part
                data = b"\n".join(lines)
        elif kind == 3:  # truncate
            data = data[: rng.randrange(len(data) + 1)]
        elif kind == 4:  # insert random bytes
            k = rng.randrange(len(data) + 1)
            data = data[:k] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))) + data[k:]
        elif kind == 5:  # re-encode
            text = data.decode("utf-8", "replace")
            data = text.encode(rng.choice(ENCODINGS), "replace")
        elif kind == 6:  # invalid UTF-8 sequences
            k = rng.randrange(len(data) + 1)
            data = data[:k] + rng.choice([b"\xc3", b"\xff\xfe\xfd", b"\xe2\x82", b"\xed\xa0\x80"]) + data[k:]
        elif kind == 7:  # cut the header off (or the body)
            cut = data.find(b"\n\n", rng.randrange(max(1, len(data))))
            data = data[cut + 2 :] if rng.random() < 0.5 and cut >= 0 else data[: max(0, cut)]
        else:  # markup and control characters
            k = rng.randrange(len(data) + 1)
            data = (
                data[:k]
                + rng.choice(
                    [
                        b"[bold red]x[/]",
                        b"\x1b[31m",
                        b"\x1b]8;;http://x\x07",
                        b"\r",
                        b"<pre>",
                        b"</pre>",
                        b"&#x000A;",
                        b'","',
                        b"\\",
                        b"{",
                        b"\x00",
                    ]
                )
                + data[k:]
            )
    return data
