#!/usr/bin/env python3
"""What a .NET process's RSS consists of, from /proc/<pid>/smaps (docs/BENCHMARKS.md, Memory).

    bench/proxy/rss-parts.py <pid> [-v]     -v also lists the 15 largest mappings

Anonymous mappings are told apart by shape: the GC's region reservation is one contiguous anonymous
run of >= 8 GB (committed regions inside it); a glibc malloc arena is a 64 MB-aligned read-write part
followed by its inaccessible remainder up to 64 MB (SQLite's page caches live there). Under W^X the
JIT's code and the type loader's heaps are a memfd mapped twice ("doublemapper").
"""
import collections
import re
import sys

pid = sys.argv[1]
vmas = []
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$", line)
    if m:
        vmas.append(dict(lo=int(m[1], 16), hi=int(m[2], 16), perm=m[3], path=m[4].strip(), rss=0, anon=0))
        continue
    key, _, value = line.partition(":")
    if key == "Rss":
        vmas[-1]["rss"] = int(value.split()[0])
    elif key == "Anonymous":
        vmas[-1]["anon"] = int(value.split()[0])

gc, run = set(), []
for v in vmas + [dict(lo=-1, hi=-1, path="end")]:
    if v["path"] == "" and run and run[-1]["hi"] == v["lo"]:
        run.append(v)
        continue
    if run and run[-1]["hi"] - run[0]["lo"] >= 8 << 30:
        gc.update(id(r) for r in run)
    run = [v] if v["path"] == "" else []
arena = {id(a) for a, b in zip(vmas, vmas[1:])
         if a["path"] == b["path"] == "" and a["lo"] % (64 << 20) == 0 and a["hi"] == b["lo"]
         and b["perm"].startswith("---") and b["hi"] == a["lo"] + (64 << 20)}

parts = collections.Counter()
for v in vmas:
    p = v["path"]
    if p == "":
        part = ("anon: GC heap (committed regions)" if id(v) in gc else "anon: glibc malloc arenas" if id(v) in arena
                else "anon: executable" if "x" in v["perm"] else "anon: other (malloc mmap, GC bookkeeping)")
    elif p == "[heap]":
        part = "anon: [heap] (malloc main arena)"
    elif p.endswith("-shm"):
        part = "file: SQLite -shm"
    elif "doublemapper" in p:
        part = "shared: JIT code and type loader heaps (memfd, W^X)"
    elif p.startswith("["):
        part = "other " + p
    elif v["anon"] == v["rss"] > 0:
        part = "anon: private pages of mapped files"
    else:
        name = p.rsplit("/", 1)[-1]
        part = "file: native libraries" if ".so" in name else "file: managed assemblies" if name.endswith(".dll") else "file: " + name
    parts[part] += v["rss"]

print(f"pid {pid}: RSS {sum(v['rss'] for v in vmas) / 1024:.1f} MB")
for part, kb in parts.most_common():
    if kb >= 512:
        print(f"  {kb / 1024:7.1f} MB  {part}")
if "-v" in sys.argv:
    for v in sorted(vmas, key=lambda v: -v["rss"])[:15]:
        print(f"    {v['rss'] / 1024:7.1f} MB {v['perm']} {(v['hi'] - v['lo']) >> 20:>8} MB  {v['path']}")
