#!/usr/bin/env python3
"""Load the HTTP gateway as users would: N concurrent sessions, each its own client, half text->image and half
image-tokens->X (the serving benchmark's two kinds, the image given as tok_rgb@224 ids), every session watched through
its server-sent events until it ends, then its result read. One more session is cancelled after its first step.
Standard library only; prints one line per kind and a closing summary line.

    python3 bench/gateway_load.py --gateway http://127.0.0.1:8080 --sessions 32
"""
import argparse
import json
import random
import threading
import time
import urllib.error
import urllib.request


def text_to_image(model, seed, caption):
    return {"model": model, "seed": seed, "topP": 0.8, "cfgGrowConditioning": True,
            "inputs": [{"modality": "caption", "text": caption}],
            "targets": [{"modality": "tok_clip@224", "scheme": "roar", "steps": 49, "temperature": 6.0,
                         "temperatureSchedule": "onex:0.5:0.5", "cfgScale": 3.0},
                        {"modality": "tok_rgb@224", "scheme": "roar", "steps": 25, "temperature": 0.5, "cfgScale": 3.0}]}


def image_to_many(model, seed):
    rng = random.Random(seed)
    return {"model": model, "seed": seed,
            "inputs": [{"modality": "tok_rgb@224", "tokens": [rng.randrange(1000) for _ in range(196)]}],
            "targets": [{"modality": "tok_depth@224", "scheme": "roar", "steps": 1, "temperature": 0.01, "cfgScale": 2.0},
                        {"modality": "tok_normal@224", "scheme": "roar", "steps": 1, "temperature": 0.01, "cfgScale": 2.0},
                        {"modality": "caption", "scheme": "autoregressive", "temperature": 0.3, "maxTokens": 40}]}


def call(gateway, method, path, body=None, client="load", timeout=120):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(gateway + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "X-Client-Id": client})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read().decode() or "null")


def watch(gateway, session_id, on_step=None, timeout=600):
    """Reads the session's event stream to its end; returns the number of step events."""
    steps = 0
    with urllib.request.urlopen(f"{gateway}/v1/sessions/{session_id}/events", timeout=timeout) as stream:
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: step"):
                steps += 1
                if on_step:
                    on_step(steps)
    return steps


def run_session(gateway, kind, body, client, results, cancel_after_first=False):
    started = time.perf_counter()
    record = {"kind": kind, "client": client}
    targets = {t["modality"] for t in body["targets"]}
    try:
        status, created = call(gateway, "POST", "/v1/sessions", body, client)
        session_id = created["sessionId"]
        record["created_status"] = status
        cancelled = []

        def on_step(n):
            if cancel_after_first and n == 2 and not cancelled:   # event 1 is the current status, 2 the first step
                cancelled.append(call(gateway, "POST", f"/v1/sessions/{session_id}/cancel", None, client)[1])

        record["events"] = watch(gateway, session_id, on_step)
        _, result = call(gateway, "GET", f"/v1/sessions/{session_id}/result", None, client)
        record["phase"] = str(result["status"]["phase"])
        record["steps"] = (result["status"]["completedSteps"], result["status"]["totalSteps"])
        # Target outputs and how many of their tokens are still masked (0 when the session completed).
        record["tokens"] = {o["modality"]: f"{len(o['tokens'])} ({sum(o['inputMask'])} masked)" for o in result["outputs"]
                            if o["modality"] in targets}
    except urllib.error.HTTPError as error:
        record["error"] = f"HTTP {error.code}: {error.read().decode()[:300]}"
    except Exception as error:  # reported per session; the summary counts them
        record["error"] = f"{type(error).__name__}: {error}"
    record["seconds"] = time.perf_counter() - started
    results.append(record)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", default="http://127.0.0.1:8080")
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--model", default=None, help="model id (default: the first that /v1/models lists)")
    parser.add_argument("--stagger-ms", type=float, default=5)
    args = parser.parse_args()

    _, models = call(args.gateway, "GET", "/v1/models")
    model = args.model or models[0]["model"]["id"]
    print(f"# gateway_load.py: {args.gateway}, model {model}, {args.sessions} sessions {args.stagger_ms:g} ms apart, "
          f"models listed: {json.dumps(models)[:300]}")

    results, threads = [], []
    start = time.perf_counter()
    for i in range(args.sessions):
        kind = "t2i" if i % 2 == 0 else "rgb2x"
        body = text_to_image(model, 1000 + i, f"a photo of a red bus number {i} [EOS]") if kind == "t2i" else image_to_many(model, 1000 + i)
        thread = threading.Thread(target=run_session, args=(args.gateway, kind, body, f"user-{i}", results))
        thread.start()
        threads.append(thread)
        time.sleep(args.stagger_ms / 1000)
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start

    cancelled = []
    run_session(args.gateway, "cancelled", text_to_image(model, 7, "a cancelled request [EOS]"), "user-cancel", cancelled, True)

    for kind in ("t2i", "rgb2x"):
        done = [r for r in results if r["kind"] == kind and r.get("phase") == "completed"]
        seconds = [r["seconds"] for r in done]
        events = sorted({r["events"] for r in done})
        tokens = sorted({json.dumps(r["tokens"], sort_keys=True) for r in done})
        print(f"{kind:<6} completed {len(done)}/{sum(r['kind'] == kind for r in results)}  p50 {percentile(seconds, 0.5):.2f} s  "
              f"p95 {percentile(seconds, 0.95):.2f} s  events per session {events}  tokens {tokens}")
    for r in results:
        if r.get("phase") != "completed":
            print("not completed:", json.dumps(r)[:400])
    c = cancelled[0]
    print(f"cancelled session: phase {c.get('phase')}, steps {c.get('steps')}, events {c.get('events')}, {c['seconds']:.2f} s"
          f"{', error ' + c['error'] if 'error' in c else ''}")
    completed = sum(r.get("phase") == "completed" for r in results)
    print(f"summary: {completed}/{len(results)} completed in {wall:.2f} s, {completed / wall:.2f} samples/s through the gateway")


if __name__ == "__main__":
    main()
