"""--exec timings: save of a source -> build start, and build end -> reload message.

Usage: build.py SWELL WORK ROUNDS
Runs `swell out --exec ./build.sh` in a fresh project under WORK. The build records the wall
clock (ns) at its first and last instruction; the script records it just before the save
and when the reload message's bytes arrive on /__swell/events. Prints JSON: median and p95
in ms for both, and the build's own run time for reference.
"""
import json, os, subprocess, sys, time

from common import EventStream, free_port, summary, write

swell, work, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
project = os.path.join(work, "exec-project")
os.makedirs(os.path.join(project, "src"), exist_ok=True)
write(os.path.join(project, "src", "index.html"), "<p>0</p>")
write(os.path.join(project, "build.sh"), """#!/bin/sh
date +%s%N > "$STAMPS/start"
mkdir -p out && cp src/* out/
date +%s%N > "$STAMPS/end"
""")
os.chmod(os.path.join(project, "build.sh"), 0o755)
stamps = os.path.join(work, "exec-stamps")
os.makedirs(stamps, exist_ok=True)
port = free_port()
env = dict(os.environ, STAMPS=stamps)
server = subprocess.Popen([swell, "out", "-p", str(port), "-q", "--exec", "./build.sh"], cwd=project, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(200):
        try:
            stream = EventStream(port)
            break
        except OSError:
            time.sleep(0.05)
    stream.wait_for(b"event: hello", 10)
    time.sleep(0.5)  # the first build; not measured
    to_start, to_reload, build_ms = [], [], []
    for i in range(1, rounds + 1):
        time.sleep(0.15)
        saved = time.time_ns()
        write(os.path.join(project, "src", "index.html"), f"<p>{i}</p>")
        # A reload the first build sent late (ROOT appearing while the stream connected) is
        # still queued on a loaded machine: only the one after this save's build counts.
        while True:
            stream.read_until(b"event: reload", 10)
            arrived = time.time_ns()
            stream.read_until(b"\n\n")
            started = int(open(os.path.join(stamps, "start")).read())
            if started > saved:
                break
        ended = int(open(os.path.join(stamps, "end")).read())
        to_start.append((started - saved) / 1e6)
        to_reload.append((arrived - ended) / 1e6)
        build_ms.append((ended - started) / 1e6)
    print(json.dumps({"save_to_build_start": summary(to_start, 2), "build_end_to_reload": summary(to_reload, 2),
                      "build_itself": summary(build_ms, 2)}))
finally:
    server.terminate()
    server.wait(5)
