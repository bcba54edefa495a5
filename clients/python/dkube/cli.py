"""``python3 -m dkube <collection> <verb> ...``: the client's verbs on the command line, JSON out.

    python3 -m dkube runs list
    python3 -m dkube runs create name=mnist kind=training command="python train.py" gpus=1 'hyperparameters={"lr":0.01}'
    python3 -m dkube runs wait <id>
    python3 -m dkube runs logs <id> --follow
    python3 -m dkube datasets upload <id> ./data

``key=value`` fields take JSON values (``gpus=1``, ``startWithAvailableGpus=true``) and fall
back to text; ``--json '{...}'`` gives the whole body. An error prints its problem details on
stderr and exits with 1.
"""

import argparse
import json
import sys

from .client import Client
from .errors import ApiError

COLLECTIONS = {
    "runs": "runs", "ides": "ides", "datasets": "datasets", "featuresets": "featuresets", "models": "models",
    "code": "code", "deployments": "deployments", "monitors": "monitors", "pipelines": "pipelines",
    "projects": "projects", "experiments": "experiments", "pipeline-runs": "pipeline_runs",
    "recurring-runs": "recurring_runs", "templates": "templates", "images": "images",
}

#: Verbs beyond list/get/create/update/delete, per collection, with their positional arguments.
EXTRA = {
    "runs": {"wait": ["id"], "logs": ["id"], "stop": ["id"], "metrics": ["id"], "study": ["id"]},
    "ides": {"wait": ["id"], "logs": ["id"], "stop": ["id"], "start": ["id"], "open": ["id"]},
    "deployments": {"predict": ["id", "instances"], "stop": ["id"], "start": ["id"], "logs": ["id"]},
    "monitors": {"start": ["id"], "stop": ["id"], "evaluate": ["id"], "results": ["id"], "alerts": ["id"]},
    "pipelines": {"add_version": ["id", "file"]},
    "projects": {"submit": ["id", "model", "version"], "submissions": ["id"], "leaderboard": ["id"]},
}
for repo in ("datasets", "featuresets", "models"):
    EXTRA[repo] = {"versions": ["id"], "version": ["id", "version"], "lineage": ["id", "version"],
                   "upload": ["id", "source"], "download": ["id", "version", "target"]}


def parse_fields(pairs, whole=None):
    fields = json.loads(whole) if whole else {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit("expected key=value, got %r" % pair)
        try:
            fields[key] = json.loads(value)
        except ValueError:
            fields[key] = value
    return fields


def build_parser():
    parser = argparse.ArgumentParser(prog="python3 -m dkube", description="DKube.Orleans from the command line (JSON out).")
    parser.add_argument("--url", help="server URL (default: DKUBE_URL)")
    parser.add_argument("--token", help="bearer token (default: DKUBE_TOKEN)")
    collections = parser.add_subparsers(dest="collection", required=True)
    for name in COLLECTIONS:
        verbs = collections.add_parser(name).add_subparsers(dest="verb", required=True)
        verbs.add_parser("list").add_argument("filters", nargs="*", help="key=value query parameters (scope, project)")
        verbs.add_parser("get").add_argument("id")
        create = verbs.add_parser("create")
        create.add_argument("fields", nargs="*", help="key=value fields")
        create.add_argument("--json", help="the whole body as JSON")
        if name == "pipelines":
            create.add_argument("--file", help="compiled pipeline YAML")
        update = verbs.add_parser("update")
        update.add_argument("id")
        update.add_argument("fields", nargs="*")
        update.add_argument("--json")
        verbs.add_parser("delete").add_argument("id")
        for verb, arguments in EXTRA.get(name, {}).items():
            sub = verbs.add_parser(verb.replace("_", "-"))
            for argument in arguments:
                sub.add_argument(argument)
            if verb == "logs" and name in ("runs", "ides"):
                sub.add_argument("--follow", action="store_true")
            if verb == "wait":
                sub.add_argument("--timeout", type=float)
    return parser


def run(args, out):
    client = Client(url=args.url, token=args.token)
    collection = getattr(client, COLLECTIONS[args.collection])
    verb = args.verb.replace("-", "_")
    if verb == "list":
        return list(collection.list(**parse_fields(args.filters)))
    if verb == "get":
        return collection.get(args.id)
    if verb == "create":
        if args.collection == "pipelines" and args.file:
            with open(args.file, encoding="utf-8") as file:
                return collection.create(yaml=file.read(), **parse_fields(args.fields, args.json))
        return collection.create(**parse_fields(args.fields, args.json))
    if verb == "update":
        return collection.update(args.id, **parse_fields(args.fields, args.json))
    if verb == "delete":
        return collection.delete(args.id)
    if verb == "logs" and getattr(args, "follow", False):
        for line in collection.logs(args.id, follow=True):
            out.write(line + "\n")
            out.flush()
        return None
    if verb == "logs":
        out.write(collection.logs(args.id))
        return None
    if verb == "wait":
        return collection.wait(args.id, timeout=args.timeout)
    if verb == "predict":
        return collection.predict(args.id, json.loads(args.instances))
    if verb == "add_version":
        with open(args.file, encoding="utf-8") as file:
            return collection.add_version(args.id, file.read())
    positional = [getattr(args, a) for a in EXTRA[args.collection][verb]]
    answer = getattr(collection, verb)(*positional)
    return list(answer) if hasattr(answer, "__next__") else answer


def main(argv=None, out=None, err=None):
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        answer = run(args, out)
    except ApiError as error:
        json.dump({"status": error.status, "type": error.type, "detail": error.detail, "errors": error.errors}, err)
        err.write("\n")
        return 1
    if answer is not None:
        json.dump(answer, out, indent=2)
        out.write("\n")
    return 0
