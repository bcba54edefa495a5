"""A data scientist's session, notebook style, through the dkube client against a real server:
upload a dataset, train on it (the run logs metrics with dkube.log_metrics and writes a model),
wait, read logs and metrics, download the model version and its lineage, meet an error, then
train a scikit-learn classifier, deploy it and ask it for predictions through the gateway.

    DKUBE_URL=http://127.0.0.1:8080 DKUBE_TOKEN=... PYTHONPATH=clients/python python3 clients/python/examples/notebook.py

Prints one JSON summary line at the end; exits non-zero when a step does not do what it should.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import uuid

import dkube

suffix = uuid.uuid4().hex[:6]
client = dkube.Client()
me = client.me()

# 1. A dataset with one uploaded version.
dataset = client.datasets.create(name="iris-" + suffix, description="four flowers")
with tempfile.TemporaryDirectory() as folder:
    with open(os.path.join(folder, "data.csv"), "w") as file:
        file.write("x,y\n1,0\n2,1\n3,1\n4,0\n")
    version = client.datasets.upload(dataset["id"], folder)
assert version["version"] == 1, version
assert [v["version"] for v in client.datasets.versions(dataset["id"])] == [1]

# 2. Train: the run reads the dataset and its typed hyperparameters, logs metrics per epoch
#    through this very package, and writes the model to DKUBE_OUTPUT_DIR.
model = client.models.create(name="clf-" + suffix)
train = """
import json, os, dkube
hp = json.load(open(os.environ["DKUBE_HYPERPARAMETERS_FILE"]))
assert isinstance(hp["lr"], float) and isinstance(hp["epochs"], int), hp
rows = open("data/data.csv").read().splitlines()[1:]
for epoch in range(1, hp["epochs"] + 1):
    dkube.log_metrics(step=epoch, accuracy=round(0.5 + 0.1 * epoch, 2), loss=round(1.0 / epoch, 3))
with open(os.path.join(os.environ["DKUBE_OUTPUT_DIR"], "model.json"), "w") as out:
    json.dump({"rows": len(rows), "lr": hp["lr"]}, out)
print("trained on", len(rows), "rows with lr", hp["lr"], "LR env", os.environ["LR"])
"""
package = os.path.dirname(os.path.dirname(os.path.abspath(dkube.__file__)))
# The run's own python3 (on its PATH), not this interpreter: the run has an account of its own,
# which may not reach where this notebook's Python lives (a pyenv under root's home).
command = "PYTHONPATH=%s python3 -c \"import base64; exec(base64.b64decode('%s'))\"" % (
    package, base64.b64encode(train.encode()).decode())
run = client.runs.create(
    name="train-" + suffix, kind="training", command=command, gpus=0,
    inputs={"datasets": [{"name": dataset["name"], "mountPath": "data"}]},
    output={"model": model["name"]},
    hyperparameters={"lr": 0.01, "epochs": 3, "optimizer": "adam"})
assert run["spec"]["hyperparameters"] == {"lr": 0.01, "epochs": 3, "optimizer": "adam"}, run["spec"]
done = client.runs.wait(run["id"], timeout=300)
log = client.runs.logs(run["id"])
assert done["status"] == "Complete", (done, log)
assert "trained on 4 rows with lr 0.01 LR env 0.01" in log, log
assert any("trained on" in line for line in client.runs.logs(run["id"], follow=True))

metrics = client.runs.metrics(run["id"])
assert [m["step"] for m in metrics] == [1, 2, 3], metrics
assert metrics[-1]["accuracy"] == 0.8, metrics

# 3. The model version the run made, its files and its lineage.
assert client.models.version(model["id"], 1)["version"] == 1
with tempfile.TemporaryDirectory() as target:
    client.models.download(model["id"], 1, target)
    with open(os.path.join(target, "model.json")) as file:
        assert json.load(file) == {"rows": 4, "lr": 0.01}
lineage = client.models.lineage(model["id"], 1)
assert run["id"] in json.dumps(lineage), lineage
assert run["id"] in [r["id"] for r in client.runs.list()]

# 4. Errors carry the problem's type and detail.
try:
    client.runs.get("r-does-not-exist")
    raise AssertionError("a missing run was found")
except dkube.ApiError as error:
    assert (error.status, error.code) == (404, "not-found"), error
try:
    client.runs.create(name="bad-" + suffix, kind="training", command="echo \x00", gpus=0)
    raise AssertionError("a NUL command was accepted")
except dkube.ApiError as error:
    assert (error.status, error.code) == (400, "validation") and "command" in error.errors, (error, error.errors)

# 5. The same through the command line.
cli = subprocess.run([sys.executable, "-m", "dkube", "runs", "get", run["id"]], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=package))
assert cli.returncode == 0 and json.loads(cli.stdout)["status"] == "Complete", (cli.stdout, cli.stderr)

# 6. Deploy and predict: a scikit-learn classifier trained by a run (Debian's python3-sklearn,
#    hence /usr/bin/python3), served by the sklearn runtime, answered through the gateway.
classifier = client.models.create(name="sk-" + suffix)
fit = ("from sklearn.linear_model import LogisticRegression; import joblib, os; "
       "m = LogisticRegression().fit([[1],[2],[3],[4],[10],[11],[12],[13]], [0,0,0,0,1,1,1,1]); "
       "joblib.dump(m, os.path.join(os.environ['DKUBE_OUTPUT_DIR'], 'model.joblib'))")
fitted = client.runs.wait(client.runs.create(
    name="fit-" + suffix, kind="training", gpus=0, command="/usr/bin/python3 -c \"%s\"" % fit,
    output={"model": classifier["name"]})["id"], timeout=300)
assert fitted["status"] == "Complete", (fitted, client.runs.logs(fitted["id"]))
deployment = client.deployments.deploy(name="sk-" + suffix, model={"name": classifier["name"]}, minReplicas=1)
assert deployment["model"]["version"] == 1, deployment
client.deployments.wait(deployment["id"], timeout=300)
answer = client.deployments.predict(deployment["id"], [[2], [12]])
assert answer["predictions"] == [0, 1], answer
assert deployment["id"] in [d["id"] for d in client.deployments.list()]
client.deployments.stop(deployment["id"])
client.deployments.wait(deployment["id"], status="Stopped", ready=0, timeout=120)

print(json.dumps({"ok": True, "user": me["name"], "run": run["id"], "metrics": len(metrics), "deployment": deployment["id"]}))
