#!/usr/bin/env python3
"""Checks the resolved compose file (docker-compose config output on stdin) for what a server
needs to survive a reboot. Prints one line per problem; exits 1 if there is any."""
import sys, yaml

config = yaml.safe_load(sys.stdin)
services = config["services"]
problems = []
for name, svc in services.items():
    one_shot = svc.get("restart") == "no"
    if not one_shot and svc.get("restart") != "unless-stopped":
        problems.append(f"{name}: restart is {svc.get('restart')!r}, not unless-stopped")
    if not one_shot and "healthcheck" not in svc:
        problems.append(f"{name}: no healthcheck")
    for dep, cond in (svc.get("depends_on") or {}).items():
        wanted = "service_completed_successfully" if services[dep].get("restart") == "no" else "service_healthy"
        if not isinstance(cond, dict) or cond.get("condition") != wanted:
            problems.append(f"{name}: depends on {dep} without condition {wanted}")
for name in ("postgres", "kafka"):
    if not any(":" in str(v) and not str(v).startswith(("/", ".")) for v in services[name].get("volumes", [])):
        problems.append(f"{name}: no named volume for its data")
if services["api"].get("ports"):
    problems.append("api: publishes a host port, so --scale api=N cannot work (put it behind the proxy)")
if services["gateway"].get("image") != services["api"].get("image"):
    problems.append("gateway and api do not share one image")
for name, svc in services.items():
    for port in svc.get("ports", []):
        text = str(port)
        if "6001" not in text and not text.startswith("127.0.0.1:"):
            problems.append(f"{name}: publishes {text} on every interface (only UDP 6001 may be)")
if problems:
    print("\n".join(problems))
sys.exit(1 if problems else 0)
