"""DKube.Orleans' Python client: the REST API of ../../shared/API.md from the standard library only.

    import dkube
    client = dkube.Client()                 # DKUBE_URL and DKUBE_TOKEN, as a run or IDE gets them
    run = client.runs.create(name="mnist", kind="training", command="python train.py", gpus=1,
                             hyperparameters={"lr": 0.01})
    client.runs.wait(run["id"])
    print(client.runs.logs(run["id"]))

Inside a run, ``dkube.log_metrics(step=1, accuracy=0.93)`` appends to the run's metrics
(``DKUBE_METRICS_FILE``), which ``GET /runs/{id}/metrics``, studies and leaderboards read.
"""

from .client import Client, Collection, DataRepos, Deployments, Ides, Monitors, Pipelines, Projects, Runs
from .errors import ApiError
from .metrics import log_metrics

__all__ = [
    "ApiError",
    "Client",
    "Collection",
    "DataRepos",
    "Deployments",
    "Ides",
    "Monitors",
    "Pipelines",
    "Projects",
    "Runs",
    "log_metrics",
]
