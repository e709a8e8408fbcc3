"""Read and write marsbook's binary column files ("MBTK"), the format the TypeScript tokenizer writes.

Layout (little-endian): b"MBTK", uint32 version, uint32 header length H, H bytes of JSON
{rows, columns: [{name, dtype, shape, offset, bytes}], meta}, then each column at its 8-aligned offset.
See src/tokenize/token-file.ts for the writer on the TypeScript side.
"""
import json
import struct

import numpy as np

MAGIC = b"MBTK"
VERSION = 1


def read(path):
    """Return (rows, {name: ndarray}, meta). Gzip'd files are read too."""
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:2] == b"\x1f\x8b":
        import gzip

        buf = gzip.decompress(buf)
    if buf[:4] != MAGIC:
        raise ValueError(f"{path}: not a marsbook token file (no MBTK magic)")
    version, hlen = struct.unpack_from("<II", buf, 4)
    if version > VERSION:
        raise ValueError(f"{path}: token file version {version} is newer than this reader ({VERSION})")
    header = json.loads(buf[12 : 12 + hlen].decode("utf-8"))
    cols = {}
    for c in header["columns"]:
        count = int(np.prod(c["shape"]))
        if c["offset"] + c["bytes"] > len(buf):
            raise ValueError(f"{path}: column {c['name']} runs past the end of the file")
        a = np.frombuffer(buf, dtype=np.dtype(c["dtype"]).newbyteorder("<"), count=count, offset=c["offset"])
        cols[c["name"]] = a.reshape(c["shape"])
    return header["rows"], cols, header.get("meta", {})


def write(path, columns, meta):
    """Write {name: ndarray} (first axis = rows) as a marsbook column file."""
    names = list(columns)
    rows = int(columns[names[0]].shape[0]) if names else 0
    specs = []
    for n in names:
        a = np.ascontiguousarray(columns[n])
        if a.shape[0] != rows:
            raise ValueError(f"column {n}: {a.shape[0]} rows, expected {rows}")
        specs.append({"name": n, "dtype": a.dtype.name, "shape": list(a.shape), "offset": 0, "bytes": a.nbytes})

    def pad8(x):
        return (x + 7) & ~7

    hlen = 0
    header = b""
    for _ in range(4):
        at = pad8(12 + hlen)
        for s in specs:
            s["offset"] = at
            at = pad8(at + s["bytes"])
        header = json.dumps({"rows": rows, "columns": specs, "meta": meta}).encode("utf-8")
        if len(header) == hlen:
            break
        hlen = len(header)
    total = pad8(specs[-1]["offset"] + specs[-1]["bytes"]) if specs else pad8(12 + hlen)
    out = bytearray(total)
    out[:4] = MAGIC
    struct.pack_into("<II", out, 4, VERSION, len(header))
    out[12 : 12 + len(header)] = header
    for s, n in zip(specs, names):
        a = np.ascontiguousarray(columns[n]).astype(np.dtype(s["dtype"]).newbyteorder("<"), copy=False)
        out[s["offset"] : s["offset"] + s["bytes"]] = a.tobytes()
    if path.endswith(".gz"):
        import gzip

        out = gzip.compress(bytes(out), 9, mtime=0)  # no timestamp: the same data gives the same bytes
    with open(path, "wb") as f:
        f.write(out)
