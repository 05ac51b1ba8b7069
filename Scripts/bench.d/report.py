"""Prints the benchmark table from docs/bench.json, with each figure's ratio to the peers,
and draws docs/bench.svg.

Usage: report.py RESULTS.json CHART.svg
       report.py --exec-only JSON   (Scripts/bench --exec: only the builds' repaint table)
"""
import json, sys

rows = []


def line(text=""):
    print(text)


SERVERS = {"hugo": "hugo server", "mkdocs": "mkdocs serve"}


def exec_repaint_lines(results):
    """Save -> repainted page through `swell --exec`, next to the tool's own server."""
    line("  save -> repainted page, built by the real tool, median / p95 ms (vs that tool's own server)")
    for name, peer_name in [("swell-exec-hugo", "hugo"), ("swell-exec-mkdocs", "mkdocs"), ("swell-exec-mkdocs-shim", "mkdocs")]:
        mine, theirs = results.get("exec_repaint", {}).get(name), results.get("repaint_peers", {}).get(peer_name, {})
        if mine is None:
            continue  # no pyenv shim in front of mkdocs: nothing to compare through it
        for case in ["css_update", "page_reload"]:
            m, peer = mine.get(case), theirs.get(case)
            if not m:
                line(f"  {name + ' ' + case:<40} missing")
                continue
            versus = f"   {SERVERS[peer_name]} {peer['median_ms']:.0f} / {peer['p95_ms']:.0f} ({peer['median_ms'] / m['median_ms']:.2f}x)" if peer else ""
            line(f"  {name + ' ' + case:<40} {m['median_ms']:7.0f} / {m['p95_ms']:5.0f}{versus}")


if sys.argv[1] == "--exec-only":
    exec_repaint_lines(json.loads(sys.argv[2]))
    sys.exit()

results = json.load(open(sys.argv[1]))
chart_path = sys.argv[2]
t = results["throughput"]


line()
line(f"Swell benchmark ({results['mode']} run)")
for file, label in [("1k.txt", "1 KiB file"), ("1m.bin", "1 MiB file")]:
    nginx = t[f"nginx-{file}"] or 1
    line()
    line(f"static {label}, wrk -t2 -c50             req/s   vs nginx   swell vs it")
    for peer in ["nginx", "swell", "hugo", "python"]:
        value = t[f"{peer}-{file}"]
        if not value or not t[f"nginx-{file}"]:
            line(f"  {peer:<34} {'not measured (errors or short responses)' if not value else f'{value:10.0f}'}")
            continue
        versus = t[f"swell-{file}"] / value
        line(f"  {peer:<34} {value:10.0f}   {value / nginx:6.2f}     {versus:6.2f}x")

line()
line("save -> reload message, median / p95 ms (messages per save)")
peers = results["peers"]
swell_median = {style: peers["swell"][style]["median_ms"] for style in ["in-place", "temp+rename"]}
line(f"  {'':<20} {'in-place':>24} {'temp+rename':>24}   swell is faster by")
for name, styles in peers.items():
    cells = []
    for style in ["in-place", "temp+rename"]:
        r = styles[style]
        cells.append(f"{r['median_ms']} / {r['p95_ms']} ({r['messages_per_save']})" if r["median_ms"] is not None else "missed")
    ratio = ""
    if name != "swell" and styles["in-place"]["median_ms"]:
        ratio = f"{styles['in-place']['median_ms'] / swell_median['in-place']:.0f}x"
    line(f"  {name:<20} {cells[0]:>24} {cells[1]:>24}   {ratio}")

line()
line("swell save -> event by editor save style    median ms   p95 ms   events/save")
for style, r in results["save_styles"].items():
    line(f"  {style:<40} {r['median_ms']:8.1f}  {r['p95_ms']:7.1f}   {r['events_per_save']:.2f}")

line()
line("write -> repaint in headless Chromium, median / p95 ms (swell is faster by)")
repaint_peers = results.get("repaint_peers", {})
line(f"  {'':<16} {'swell':>16}" + "".join(f" {name:>26}" for name in repaint_peers))
for case, r in results["repaint"].items():
    if case == "page_reload_phases":
        continue
    cells = []
    for name, peer in repaint_peers.items():
        p = peer.get(case)
        cells.append(f"{p['median_ms']:.0f} / {p['p95_ms']:.0f} ({p['median_ms'] / r['median_ms']:.0f}x)" if p else "missing")
    line(f"  {case:<16} {r['median_ms']:>7.1f} / {r['p95_ms']:>6.1f}" + "".join(f" {cell:>26}" for cell in cells))
phases = results["repaint"].get("page_reload_phases")
if phases:
    line("  where swell's page reload goes (medians, ms): " + ", ".join(f"{name.replace('_', ' ')} {value:.1f}" for name, value in phases.items()))
if "build" in results:
    b = results["build"]
    line()
    line("--exec (a scripted build; the build's own clock)        median ms   p95 ms")
    for key, label in [("save_to_build_start", "save of a source -> build start"), ("build_end_to_reload", "build end -> reload message"),
                       ("build_itself", "the build itself (sh, cp, date)")]:
        line(f"  {label:<52} {b[key]['median_ms']:8.1f}  {b[key]['p95_ms']:7.1f}")
    exec_repaint_lines(results)
tabs = results["tabs"]
line(f"  one edit -> last of {tabs['tabs']} tabs reloaded      {tabs['median_ms']:8.1f}  {tabs['p95_ms']:7.1f}"
     f"   ({tabs['mode']}; streams held at once: {tabs['streams_held_max']})")

f = results["fanout"]
line()
line(f"fan-out: {f['clients']} event streams, one change, by the kernel's receive stamp: first {f['first_ms']} ms, "
     f"median {f['median_ms']} ms, last {f['last_ms']} ms (a reader busy meanwhile: last {f.get('last_read_ms', '?')} ms)")
if "kernel_floor_ms" in f:
    line(f"  the kernel alone, the same bytes to {f['kernel_floor_pairs']} loopback sockets from two threads: "
         f"{f['kernel_floor_ms']} ms (swell's last is {f['last_ms'] / f['kernel_floor_ms']:.1f}x that)")
if "last_ms_rounds" in f:
    line(f"  last arrival in each of the three rounds: {f['last_ms_rounds']} ms (the median round is the one above)")
line(f"  RSS {f['rss_before_mib']} -> {f['rss_connected_mib']} MiB ({f['kib_per_client']} KiB per client); "
     f"descriptors {f['fds_before']} -> {f['fds_connected']} -> {f['fds_after']} after they left")

tr = results["tree"]
line()
hugo_tree = f", hugo {tr['hugo_first_response_ms']} ms" if "hugo_first_response_ms" in tr else ""
line(f"tree of {tr['files']} files in {tr['folders']} folders: first response {tr['swell_first_response_ms']} ms "
     f"(python-livereload {tr['livereload_first_response_ms']} ms{hugo_tree}), watch complete {tr['swell_watch_complete_ms']} ms, "
     f"RSS {tr['swell_rss_mib']} MiB (python-livereload {tr['livereload_rss_mib']} MiB"
     + (f", hugo {tr['hugo_rss_mib']} MiB" if "hugo_rss_mib" in tr else "") + f"), save during setup arrived: {tr['swell_save_during_setup_arrived']}")
line()
line(f"swell idle RSS {results['idle_rss_mib']} MiB (of which private, not shared libraries: {results['idle_anon_rss_mib']} MiB); "
     f"binary {results['binary_mb']} MB, stripped {results['stripped_mb']} MB")

# --- chart: two panels of horizontal bars
bars_latency = [(name, styles["in-place"]["median_ms"] or 0) for name, styles in peers.items()]
bars_rps = []
for file, label in [("1k.txt", "1 KiB"), ("1m.bin", "1 MiB")]:
    for peer in ["nginx", "swell", "hugo", "python"]:
        bars_rps.append((f"{peer} {label}", t[f"{peer}-{file}"] / (t[f"nginx-{file}"] or 1)))
colors = {"swell": "#0b7285", "nginx": "#868e96", "hugo": "#e8590c", "python": "#5c940d", "python-livereload": "#5c940d", "mkdocs": "#862e9c"}
width, bar, gap, left = 760, 18, 6, 170
height = 60 + len(bars_latency) * (bar + gap) + 60 + len(bars_rps) * (bar + gap) + 20
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="system-ui, sans-serif" font-size="12">',
       f'<rect width="{width}" height="{height}" fill="white"/>']
y = 24
svg.append(f'<text x="10" y="{y}" font-size="14" font-weight="bold">Save → reload message, median ms (in-place save; shorter is better)</text>')
y += 16
scale = (width - left - 80) / max(value for _, value in bars_latency)
for name, value in bars_latency:
    color = colors.get(name, "#495057")
    svg.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{name}</text>')
    svg.append(f'<rect x="{left}" y="{y}" width="{max(1, value * scale):.1f}" height="{bar}" fill="{color}"/>')
    svg.append(f'<text x="{left + value * scale + 6:.1f}" y="{y + 13}">{value:.1f} ms</text>')
    y += bar + gap
y += 30
svg.append(f'<text x="10" y="{y}" font-size="14" font-weight="bold">Static throughput, requests/s relative to nginx (wrk -t2 -c50; longer is better)</text>')
y += 16
scale = (width - left - 80) / max(1.0, max(value for _, value in bars_rps))
for name, value in bars_rps:
    color = colors.get(name.split(" ")[0], "#495057")
    svg.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{name}</text>')
    svg.append(f'<rect x="{left}" y="{y}" width="{max(1, value * scale):.1f}" height="{bar}" fill="{color}"/>')
    svg.append(f'<text x="{left + value * scale + 6:.1f}" y="{y + 13}">{value:.2f}×</text>')
    y += bar + gap
svg.append("</svg>")
open(chart_path, "w").write("\n".join(svg) + "\n")
line(f"\nwrote {sys.argv[1]} and {chart_path}")
