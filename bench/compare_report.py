#!/usr/bin/env python3
"""compare_report.py - the Markdown report of bench/compare.sh (standard library only).

Reads the raw runs (runs.tsv: capture, tool, run, wall_s, max_rss_kib, exit), the captures (captures.tsv: capture,
description, input, bytes, packets, base tool) and the commands (commands.tsv), and prints per capture a table of
medians (seconds, packets/s, MB/s, peak RSS) and ratios to the capture's base tool (the C anchor, or zcat for a gzip
file), then issue 3's targets with what was measured. Ratios are medians of paired runs: run i of a tool against run i
of the base, which ran next to it, so that a noisy machine's slow minutes hit both sides.
"""
import argparse
import csv
import statistics
import sys

TOOLS = {
    "anchor": "C anchor `potiron_native`",
    "anchor-dump": "C anchor writing its dump to /dev/null (`-o /dev/null`: member strings, as the null sink makes them)",
    "anchor-mp": "C anchor, own mmap reader + prefetch (`-m -p`)",
    "pcapwalk-r": "record walk `pcapwalk -r` (the reading limit)",
    "zcat": "`zcat > /dev/null`",
    "potiron-j1": "**Potiron.Fast** `--sink null -j 1`",
    "potiron-j2": "**Potiron.Fast** `--sink null -j 2`",
    "potiron-redis-j1": "**Potiron.Fast** into redis-server `-u SOCKET -j 1`",
    "redis-pipe-R": "floor: the anchor's pipelined ZINCRBY stream (`-R`) through `redis-cli --pipe`",
    "redis-pipe-A": "floor: the anchor's multi-member ZADD stream (`-A`) through `redis-cli --pipe`",
    "tshark": "tshark with potiron's command `> /dev/null`",
    "original": "original potiron (tshark + Python + Redis)",
}


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def median(values):
    return statistics.median(values) if values else None


def paired_ratio(runs, tool, base, column="wall_s"):
    """Median over runs of time(tool) / time(base), pairing equal run numbers (None without that column)."""
    if runs and column not in runs[0]:
        return None
    a = {r["run"]: float(r[column]) for r in runs if r["tool"] == tool and r["exit"] == "0"}
    b = {r["run"]: float(r[column]) for r in runs if r["tool"] == base and r["exit"] == "0"}
    ratios = [a[k] / b[k] for k in a if k in b and b[k] > 0]
    return median(ratios)


def fmt(value, pattern):
    return "-" if value is None else pattern.format(value)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", required=True)
    ap.add_argument("--captures", required=True)
    ap.add_argument("--commands")
    ap.add_argument("--check")
    ap.add_argument("--machine", default="")
    ap.add_argument("--command-line", default="bench/compare.sh")
    ap.add_argument("--date", default="")
    args = ap.parse_args()

    runs = read_tsv(args.runs)
    captures = read_tsv(args.captures)
    commands = read_tsv(args.commands) if args.commands else []
    out = sys.stdout
    rounds = max((int(r["run"]) for r in runs), default=0)

    out.write("# Potiron.Fast side by side with the C anchors\n\n")
    out.write("%s. Machine: %s.\n\n" % (args.date, args.machine))
    out.write("`%s`: %d timed runs of each tool, the tools alternating within each round, page cache warm. "
              "Medians; a ratio is the median of paired runs (run *i* of the tool against run *i* of the base). "
              "*time ÷ base* below 1 is faster than the base; *speed × base* is its inverse (issue 3 states its targets "
              "that way). *CPU s* is user + system time: on a machine shared with other work it is less disturbed than wall "
              "time, and *CPU ÷ base* compares the work done (it cannot show the gain of a second worker). "
              "MB/s counts the uncompressed capture bytes.\n\n" % (args.command_line.strip(), rounds))

    summary = {}
    for cap in captures:
        label, base = cap["capture"], cap["base"]
        mine = [r for r in runs if r["capture"] == label]
        tools = list(dict.fromkeys(r["tool"] for r in mine))
        packets = int(cap["packets"] or 0)
        size = int(cap["bytes"] or 0)
        out.write("## %s\n\n%s: %s packets, %.1f MB (`%s`).\n\n" % (label, cap["description"], format(packets, ","),
                                                                   size / 1e6, cap["input"]))
        out.write("| tool | median s | packets/s | MB/s | peak RSS MiB | time ÷ base | speed × base | CPU s | CPU ÷ base |\n")
        out.write("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for tool in tools:
            ok = [r for r in mine if r["tool"] == tool and r["exit"] == "0"]
            failed = len([r for r in mine if r["tool"] == tool]) - len(ok)
            wall = median([float(r["wall_s"]) for r in ok])
            rss = median([int(r["max_rss_kib"]) / 1024 for r in ok])
            cpu = median([float(r["cpu_s"]) for r in ok if r.get("cpu_s")])
            ratio = 1.0 if tool == base and ok else paired_ratio(mine, tool, base)
            cpu_ratio = paired_ratio(mine, tool, base, "cpu_s")
            summary[(label, tool)] = {"wall": wall, "rss": rss, "ratio": ratio}
            name = TOOLS.get(tool, tool) + (" (base)" if tool == base else "")
            if failed:
                name += " — %d run(s) FAILED" % failed
            out.write("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" % (
                name, fmt(wall, "{:.3f}"),
                fmt(packets / wall if wall and packets else None, "{:,.0f}"),
                fmt(size / 1e6 / wall if wall and size else None, "{:,.0f}"),
                fmt(rss, "{:.0f}"), fmt(ratio, "{:.2f}"), fmt(1 / ratio if ratio else None, "{:.2f}x"),
                fmt(cpu, "{:.3f}"), fmt(cpu_ratio, "{:.2f}")))
        out.write("\n")

    # ------------------------------------------------------------ issue 3's targets
    rows = []

    def verdict(value, goal, higher_is_better=True):
        if value is None:
            return "-"
        return "met" if (value >= goal if higher_is_better else value <= goal) else "**not met**"

    for cap in captures:
        label, base = cap["capture"], cap["base"]
        got = lambda tool: summary.get((label, tool))
        j1, j2 = got("potiron-j1"), got("potiron-j2")
        mine = [r for r in runs if r["capture"] == label]
        if j1 and base == "anchor" and j1["ratio"]:
            speed = 1 / j1["ratio"]
            cpu_ratio = paired_ratio(mine, "potiron-j1", base, "cpu_s")
            rows.append(("1. `-j 1` speed ÷ C anchor, %s (≥ 1.0x; goal 2.0x)" % label,
                         "%.2fx (CPU time: %s)" % (speed, fmt(1 / cpu_ratio if cpu_ratio else None, "{:.2f}x")),
                         verdict(speed, 1.0) + ("" if speed < 1.0 else (", goal met" if speed >= 2.0 else ", goal not met"))))
        if j1 and j2:
            scale = paired_ratio(mine, "potiron-j1", "potiron-j2")
            if base == "zcat":
                j2_vs_zcat = 1 / j2["ratio"] if j2["ratio"] else None
                rows.append(("2. `-j 2` speed ÷ `zcat > /dev/null`, %s (≥ 1.5x)" % label, fmt(j2_vs_zcat, "{:.2f}x"),
                             verdict(j2_vs_zcat, 1.5)))
            else:
                rows.append(("2. `-j 2` ÷ `-j 1` speed, %s (≥ 1.7x)" % label, fmt(scale, "{:.2f}x"), verdict(scale, 1.7)))
        anchor = got("anchor")
        if j1 and anchor and base == "anchor" and anchor["rss"] and j1["rss"]:
            limit = 1.5 * anchor["rss"] + 40
            worst = max(j1["rss"], j2["rss"] if j2 and j2["rss"] else 0)
            rows.append(("4. peak RSS ≤ 1.5 × anchor's + 40 MiB, %s" % label,
                         "%.0f MiB (`-j 1` %.0f, `-j 2` %s) vs limit %.0f MiB (anchor %.0f)" % (
                             worst, j1["rss"], fmt(j2["rss"] if j2 else None, "{:.0f}"), limit, anchor["rss"]),
                         verdict(worst, limit, higher_is_better=False)))
        redis_run, original, tshark = got("potiron-redis-j1"), got("original"), got("tshark")
        if redis_run and original and redis_run["wall"] and original["wall"]:
            goal = 50 if label.startswith("real") else 15
            speed = paired_ratio(mine, "original", "potiron-redis-j1")
            rows.append(("3. into Redis ÷ the original potiron, %s (≥ %dx)" % (label, goal), fmt(speed, "{:.0f}x"),
                         verdict(speed, goal)))
        floors = [(t, got(t)) for t in ("redis-pipe-R", "redis-pipe-A") if got(t) and got(t)["wall"]]
        # Issue 3 makes Redis the floor on darknet data only; on real traffic (a thousand members) the floor is a few
        # milliseconds and the ratio says nothing: the table above still shows both times.
        if redis_run and redis_run["wall"] and floors and label.startswith("syn"):
            floor_tool = min(floors, key=lambda f: f[1]["wall"])[0]
            ratio = paired_ratio(mine, "potiron-redis-j1", floor_tool)
            rows.append(("3. into redis-server ÷ the floor (fastest exact stream through `redis-cli --pipe`: %s), %s (≤ 1.15x)" % (floor_tool, label),
                         fmt(ratio, "{:.2f}x"), verdict(ratio, 1.15, higher_is_better=False)))
        if j1 and tshark:
            speed = paired_ratio(mine, "tshark", "potiron-j1")
            rows.append(("3. `-j 1` ÷ tshark with potiron's command, %s (≥ 100x)" % label, fmt(speed, "{:.0f}x"),
                         verdict(speed, 100)))

    if rows:
        out.write("## Issue 3's targets\n\n| target | measured | |\n|---|---|---|\n")
        for row in rows:
            out.write("| %s | %s | %s |\n" % row)
        out.write("\n")

    if args.check:
        try:
            with open(args.check, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        if text.strip():
            out.write(text.rstrip() + "\n\n")

    if commands:
        out.write("## Commands\n\n| capture | tool | command |\n|---|---|---|\n")
        for c in commands:
            out.write("| %s | %s | `%s` |\n" % (c["capture"], c["tool"], c["command"].replace("|", "\\|")))
        out.write("\n")
    out.write("Raw runs: `runs.tsv` (wall seconds from `date +%s%N` around `/usr/bin/time -v`, peak RSS from it); "
              "first-run logs in `logs/`.\n")


if __name__ == "__main__":
    main()
