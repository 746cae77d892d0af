"""Build the relocated Jackson jar that Iceberg's Spark runtime expects, from pyspark's jars.

The PyPI wheel ``snowpark-connect-deps-iceberg`` carries Iceberg's Spark 3.5 runtime without
the Jackson copy Iceberg bundles under ``org.apache.iceberg.shaded.com.fasterxml.jackson``;
without it the first Iceberg ``create table`` fails with ``NoClassDefFoundError``. pyspark
ships the same Jackson version (2.15.2), so this renames its packages: in every class file
the only place a class or package name lives is a CONSTANT_Utf8 entry of the constant pool
(JVM specification, 4.4), so rewriting those entries (and the jar's service files and entry
names) relocates the classes.

Usage: ``python shade_jackson.py OUT.jar JAR...``
"""

from __future__ import annotations

import struct
import sys
import zipfile
from pathlib import Path

PREFIX = b"org/apache/iceberg/shaded/"
SLASHED = b"com/fasterxml/jackson/"
DOTTED = b"com.fasterxml.jackson."

# Byte length of each constant-pool entry kind other than Utf8 (tag 1), tag byte included.
ENTRY_SIZE = {3: 5, 4: 5, 5: 9, 6: 9, 7: 3, 8: 3, 9: 5, 10: 5, 11: 5, 12: 5, 15: 4, 16: 3}
ENTRY_SIZE.update({17: 5, 18: 5, 19: 3, 20: 3})
SKIPPED_SUFFIXES = ("/", "module-info.class", ".SF", ".RSA", ".DSA")


def rename(data: bytes) -> bytes:
    """Rename Jackson's packages inside ``data`` (slash and dot spellings)."""
    return data.replace(SLASHED, PREFIX + SLASHED).replace(
        DOTTED, PREFIX.replace(b"/", b".") + DOTTED
    )


def relocate_class(data: bytes) -> bytes:
    """The class file ``data`` with every Utf8 constant renamed (lengths recomputed)."""
    if data[:4] != b"\xca\xfe\xba\xbe":
        raise ValueError("not a class file")
    (count,) = struct.unpack_from(">H", data, 8)
    out = bytearray(data[:10])
    pos, index = 10, 1
    while index < count:
        tag = data[pos]
        if tag == 1:
            (length,) = struct.unpack_from(">H", data, pos + 1)
            text = rename(data[pos + 3 : pos + 3 + length])
            out += b"\x01" + struct.pack(">H", len(text)) + text
            pos += 3 + length
        else:
            out += data[pos : pos + ENTRY_SIZE[tag]]
            pos += ENTRY_SIZE[tag]
        # long and double constants take two pool slots
        index += 2 if tag in (5, 6) else 1
    return bytes(out) + data[pos:]


def build(out: Path, jars: list[Path]) -> int:
    """Write ``out`` from ``jars``; returns the number of entries written."""
    written: set[str] = set()
    tmp = out.with_suffix(".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for jar in jars:
            with zipfile.ZipFile(jar) as source:
                for name in source.namelist():
                    if name.endswith(SKIPPED_SUFFIXES) or name == "META-INF/MANIFEST.MF":
                        continue
                    if name.startswith("META-INF/maven"):
                        continue
                    data = source.read(name)
                    if name.endswith(".class"):
                        data = relocate_class(data)
                    elif name.startswith("META-INF/services/"):
                        data = rename(data)
                    new_name = rename(name.encode()).decode()
                    if new_name not in written:
                        written.add(new_name)
                        target.writestr(new_name, data)
    tmp.replace(out)
    return len(written)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    count = build(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
    print(f"wrote {sys.argv[1]} ({count} entries)")
