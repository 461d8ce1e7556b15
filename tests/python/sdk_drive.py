#!/usr/bin/env python3
"""Drive the amlc emulator with the official Azure ML SDK (azure-ai-ml), as a real client would.

Usage: sdk_drive.py BASE_URL [--subscription S] [--resource-group G] [--workspace W] [CLUSTER.yml INSTANCE.yml]

Creates a cluster and a compute instance from YAML specs, lists, gets, stops, starts and restarts the
instance, lists cluster nodes, sizes and usage, then deletes both. Prints one JSON line per step and
exits 0 only if every step succeeded. Nothing leaves the machine: the SDK's ARM endpoint is overridden with
AZUREML_DEV_URL_MFE and a fixed bearer token is added by a pipeline policy (azure-core refuses bearer
credentials over plain http).
"""
import argparse
import json
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def make_client(base_url, subscription, resource_group, workspace):
    os.environ["AZUREML_DEV_URL_MFE"] = base_url.rstrip("/") + "/"
    from azure.ai.ml import MLClient
    from azure.core.credentials import AccessToken
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class StaticCredential:
        def get_token(self, *scopes, **kwargs):
            return AccessToken("emulator-token", int(time.time()) + 3600)

    class StaticBearer(SansIOHTTPPolicy):
        def on_request(self, request):
            request.http_request.headers["Authorization"] = "Bearer emulator-token"

    return MLClient(
        StaticCredential(),
        subscription,
        resource_group,
        workspace,
        enable_telemetry=False,
        authentication_policy=StaticBearer(),
    )


class Steps:
    def __init__(self):
        self.failed = 0

    def run(self, label, fn):
        started = time.time()
        try:
            detail = fn()
            ok, error = True, None
        except Exception as e:  # noqa: BLE001 - every failure is reported, not raised
            ok, detail = False, None
            error = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            traceback.print_exc(file=sys.stderr)
        if not ok:
            self.failed += 1
        print(json.dumps({"step": label, "ok": ok, "seconds": round(time.time() - started, 2),
                          "detail": detail, "error": error}), flush=True)
        return detail


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("base_url")
    p.add_argument("--subscription", default="00000000-0000-0000-0000-000000000000")
    p.add_argument("--resource-group", default="rg")
    p.add_argument("--workspace", default="ws")
    p.add_argument("cluster_spec", nargs="?", default=os.path.join(HERE, "specs", "cluster.yml"))
    p.add_argument("instance_spec", nargs="?", default=os.path.join(HERE, "specs", "instance.yml"))
    args = p.parse_args(argv)

    from azure.ai.ml import load_compute

    ml = make_client(args.base_url, args.subscription, args.resource_group, args.workspace)
    steps = Steps()
    cluster = load_compute(args.cluster_spec)
    instance = load_compute(args.instance_spec)

    def workspace():
        ws = ml.workspaces.get(args.workspace)
        return {"name": ws.name, "location": ws.location}

    def create(compute):
        result = ml.compute.begin_create_or_update(compute).result()
        expect(result.provisioning_state == "Succeeded", f"provisioning_state {result.provisioning_state}")
        return {"name": result.name, "type": result.type, "provisioning_state": result.provisioning_state}

    def listed():
        names = sorted(c.name for c in ml.compute.list())
        expect(cluster.name in names and instance.name in names, f"listed {names}")
        return names

    def state_is(wanted):
        def check():
            got = ml.compute.get(instance.name)
            expect(got.state == wanted, f"state {got.state}, wanted {wanted}")
            return {"state": got.state, "size": got.size}
        return check

    def action(name):
        def go():
            getattr(ml.compute, f"begin_{name}")(instance.name).result()
            return name
        return go

    def nodes():
        found = list(ml.compute.list_nodes(cluster.name))
        expect(len(found) >= 1, "no nodes")
        return [{"node_id": n.node_id, "port": n.port, "state": n.node_state} for n in found]

    def sizes():
        found = list(ml.compute.list_sizes(location="eastus"))
        expect(any(s.name.lower() == "standard_ds3_v2" for s in found), "DS3_v2 not offered")
        return len(found)

    def usage():
        found = list(ml.compute.list_usage(location="eastus"))
        expect(len(found) > 0, "no usage rows")
        return len(found)

    def delete(name):
        def go():
            ml.compute.begin_delete(name).result()
            remaining = [c.name for c in ml.compute.list()]
            expect(name not in remaining, f"{name} still listed")
            return remaining
        return go

    steps.run("workspace", workspace)
    steps.run("create cluster", lambda: create(cluster))
    steps.run("create instance", lambda: create(instance))
    steps.run("list", listed)
    steps.run("instance running", state_is("Running"))
    steps.run("stop", action("stop"))
    steps.run("instance stopped", state_is("Stopped"))
    steps.run("start", action("start"))
    steps.run("instance running again", state_is("Running"))
    steps.run("restart", action("restart"))
    steps.run("instance running after restart", state_is("Running"))
    steps.run("list nodes", nodes)
    steps.run("list sizes", sizes)
    steps.run("list usage", usage)
    steps.run("delete instance", delete(instance.name))
    steps.run("delete cluster", delete(cluster.name))
    print(json.dumps({"summary": True, "failed": steps.failed}), flush=True)
    return 1 if steps.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
