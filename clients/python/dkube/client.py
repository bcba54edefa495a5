"""The client and its collections: one method per verb of the REST contract."""

import io
import json
import os
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request

from .errors import ApiError

DEFAULT_URL = "http://127.0.0.1:8080"
BASE_PATH = "/api/v1"
#: Statuses after which a run or IDE never changes again.
ENDED = frozenset(["Complete", "Failed", "Stopped", "Error"])


class Client:
    """A connection to one DKube server as one user.

    ``url`` defaults to ``DKUBE_URL`` (else http://127.0.0.1:8080) and ``token`` to ``DKUBE_TOKEN``;
    a run and an IDE get both, scoped to their owner.
    """

    def __init__(self, url=None, token=None, timeout=60):
        url = (url or os.environ.get("DKUBE_URL") or DEFAULT_URL).rstrip("/")
        if url.endswith(BASE_PATH):
            url = url[: -len(BASE_PATH)]
        self.url = url
        self.token = token if token is not None else os.environ.get("DKUBE_TOKEN")
        self.timeout = timeout
        self.runs = Runs(self, "runs")
        self.ides = Ides(self, "ides")
        self.datasets = DataRepos(self, "datasets")
        self.featuresets = DataRepos(self, "featuresets")
        self.models = DataRepos(self, "models")
        self.code = Collection(self, "code")
        self.deployments = Deployments(self, "deployments")
        self.monitors = Monitors(self, "monitors")
        self.pipelines = Pipelines(self, "pipelines")
        self.experiments = Collection(self, "experiments")
        self.pipeline_runs = Collection(self, "pipeline-runs")
        self.recurring_runs = Collection(self, "recurring-runs")
        self.projects = Projects(self, "projects")
        self.templates = Collection(self, "templates")
        self.images = Collection(self, "images")

    def me(self):
        """``{name, roles, groups}`` of the caller."""
        return self.request("GET", "me")

    def request(self, method, path, body=None, query=None, data=None, content_type=None, raw=False, stream=False, root=False):
        """One call. ``path`` is under /api/v1 unless ``root``; ``body`` is sent as JSON, ``data``
        (bytes or a file) as is. Answers JSON (or None), the raw bytes with ``raw``, or the open
        response with ``stream``; anything but 2xx raises :class:`ApiError`."""
        url = self.url + ("" if root else BASE_PATH) + "/" + path.lstrip("/")
        query = {k: v for k, v in (query or {}).items() if v is not None}
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            content_type = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            with error:
                raise ApiError.from_answer(error.code, error.headers.get("Content-Type"), error.read()) from None
        except (urllib.error.URLError, OSError) as error:
            raise ApiError(0, "unreachable", "%s: %s" % (url, getattr(error, "reason", error))) from None
        if stream:
            return response
        with response:
            payload = response.read()
            if raw:
                return payload
            if not payload:
                return None
            if "json" in (response.headers.get("Content-Type") or ""):
                return json.loads(payload)
            return payload.decode("utf-8", "replace")

    def pages(self, path, **query):
        """Every item of a list endpoint, page after page (``nextCursor``), as an iterator."""
        query.setdefault("limit", 500)
        while True:
            page = self.request("GET", path, query=query)
            for item in page.get("items") or []:
                yield item
            cursor = page.get("nextCursor")
            if not cursor:
                return
            query = dict(query, cursor=cursor)


class Collection:
    """A resource collection: ``list()``, ``get(id)``, ``create(**fields)``, ``update``, ``delete``."""

    def __init__(self, client, path):
        self.client = client
        self.path = path

    def list(self, **query):
        """An iterator over every visible item (all pages); ``scope=``, ``project=`` filter."""
        return self.client.pages(self.path, **query)

    def get(self, id):
        return self.client.request("GET", "%s/%s" % (self.path, _segment(id)))

    def create(self, **fields):
        return self.client.request("POST", self.path, body=fields)

    def update(self, id, **fields):
        return self.client.request("PATCH", "%s/%s" % (self.path, _segment(id)), body=fields)

    def delete(self, id):
        return self.client.request("DELETE", "%s/%s" % (self.path, _segment(id)))

    def _post(self, id, action, body=None, **query):
        return self.client.request("POST", "%s/%s/%s" % (self.path, _segment(id), action), body=body, query=query)

    def _get(self, id, action, **query):
        return self.client.request("GET", "%s/%s/%s" % (self.path, _segment(id), action), query=query)

    def _wait_until(self, id, accept, timeout, interval=0.5):
        """Reads the item until ``accept(view)`` holds (backing off to 5 s between reads) and
        returns that view; ``TimeoutError`` after ``timeout`` seconds (None: no limit)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            view = self.get(id)
            if accept(view):
                return view
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError("%s is still %s after %ss" % (id, view.get("status"), timeout))
            time.sleep(interval)
            interval = min(interval * 1.5, 5.0)


class _Workloads(Collection):
    def stop(self, id):
        return self._post(id, "stop")

    def wait(self, id, timeout=None, statuses=ENDED, interval=0.5):
        """Waits until the workload reaches one of ``statuses`` (default: ended) and returns it;
        ``TimeoutError`` after ``timeout`` seconds."""
        return self._wait_until(id, lambda view: view.get("status") in statuses, timeout, interval)

    def logs(self, id, follow=False):
        """The log as text; with ``follow`` an iterator of lines that ends when the workload does."""
        if not follow:
            return self.client.request("GET", "%s/%s/logs" % (self.path, _segment(id)), raw=True).decode("utf-8", "replace")
        return self._follow(id)

    def _follow(self, id):
        response = self.client.request("GET", "%s/%s/logs" % (self.path, _segment(id)), query={"follow": "true"}, stream=True)
        with response:
            for line in response:
                yield line.decode("utf-8", "replace").rstrip("\n")


class Runs(_Workloads):
    """Runs: ``create`` submits (it queues for GPUs when none are free)."""

    def submit(self, **fields):
        return self.create(**fields)

    def metrics(self, id):
        """The records the run logged (``dkube.log_metrics``)."""
        return self._get(id, "metrics")["items"]

    def study(self, id):
        """The hyperparameter study of a run created with ``tuning``."""
        return self._get(id, "study")


class Ides(_Workloads):
    def start(self, id):
        return self._post(id, "start")

    def open(self, id):
        return self._get(id, "open")


class DataRepos(Collection):
    """Datasets, featuresets and models: immutable versions, uploaded or made by runs."""

    def versions(self, id):
        return self.client.pages("%s/%s/versions" % (self.path, _segment(id)))

    def version(self, id, version):
        return self._get(id, "versions/%d" % int(version))

    def lineage(self, id, version):
        return self._get(id, "versions/%d/lineage" % int(version))

    def upload(self, id, source):
        """Uploads the next version from a folder (sent as tar), a .tar/.zip file, or bytes of one."""
        if isinstance(source, (bytes, bytearray)):
            data, content_type = bytes(source), _archive_type(bytes(source))
        elif os.path.isdir(source):
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w") as tar:
                for name in sorted(os.listdir(source)):
                    tar.add(os.path.join(source, name), arcname=name)
            data, content_type = buffer.getvalue(), "application/x-tar"
        else:
            with open(source, "rb") as file:
                data = file.read()
            content_type = _archive_type(data)
        return self.client.request("POST", "%s/%s/versions" % (self.path, _segment(id)), data=data, content_type=content_type)

    def download(self, id, version, target):
        """Unpacks a version into the folder ``target`` (made if missing); returns its path."""
        archive = self.client.request("GET", "%s/%s/versions/%d/archive" % (self.path, _segment(id), int(version)), raw=True)
        os.makedirs(target, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:*") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:
                # Pythons before the extraction filters: refuse what the "data" filter would.
                for member in tar.getmembers():
                    name = os.path.normpath(member.name)
                    if os.path.isabs(name) or name.startswith("..") or not (member.isfile() or member.isdir()):
                        raise ValueError("unsafe entry in archive: %r" % member.name)
                tar.extractall(target)
        return target

    def publish(self, id, version, **fields):
        return self._post(id, "versions/%d/publish" % int(version), body=fields)


class Deployments(Collection):
    """Model deployments and their inference endpoints."""

    def deploy(self, **fields):
        return self.create(**fields)

    def wait(self, id, status="Running", ready=1, timeout=None):
        """Waits until the deployment is ``status`` with at least ``ready`` ready replicas and
        returns it (a deployment in ``Error`` raises at once: it will not become ready by itself)."""
        def accept(view):
            if view.get("status") == "Error" and status != "Error":
                raise RuntimeError("deployment %s is in Error: %s" % (id, view.get("reason")))
            return view.get("status") == status and (view.get("replicas") or {}).get("ready", 0) >= ready
        return self._wait_until(id, accept, timeout)

    def predict(self, id, instances, model=None):
        """``{"predictions": [...]}`` of the deployment for ``instances`` (V1 protocol). The served
        model's name is the deployment's name, as KServe names it after its InferenceService."""
        deployment = self.get(id)
        name = model or deployment.get("name")
        path = "serve/%s/v1/models/%s:predict" % (_segment(deployment.get("id", id)), _segment(name))
        return self.client.request("POST", path, body={"instances": instances}, root=True)

    def stop(self, id):
        return self._post(id, "stop")

    def start(self, id):
        return self._post(id, "start")

    def logs(self, id):
        return self.client.request("GET", "%s/%s/logs" % (self.path, _segment(id)), raw=True).decode("utf-8", "replace")


class Monitors(Collection):
    def start(self, id):
        return self._post(id, "start")

    def stop(self, id):
        return self._post(id, "stop")

    def evaluate(self, id):
        return self._post(id, "evaluate")

    def results(self, id, since=None):
        return self.client.pages("%s/%s/results" % (self.path, _segment(id)), since=since)

    def alerts(self, id):
        return self.client.pages("%s/%s/alerts" % (self.path, _segment(id)))


class Pipelines(Collection):
    """Compiled Kubeflow Pipelines v2 YAML, uploaded as is."""

    def create(self, yaml=None, name=None, **fields):
        if yaml is None:
            return super().create(name=name, **fields)
        return self.client.request("POST", self.path, data=_text(yaml), content_type="application/yaml", query={"name": name})

    def add_version(self, id, yaml):
        return self.client.request("POST", "%s/%s/versions" % (self.path, _segment(id)), data=_text(yaml), content_type="application/yaml")


class Projects(Collection):
    """Projects, and the leaderboard of a project made with ``leaderboard=True``."""

    def evaluation(self, id, **fields):
        return self.client.request("PUT", "%s/%s/evaluation" % (self.path, _segment(id)), body=fields)

    def submit(self, id, model, version):
        return self._post(id, "submissions", body={"model": {"name": model, "version": version}})

    def submissions(self, id):
        return self.client.pages("%s/%s/submissions" % (self.path, _segment(id)))

    def leaderboard(self, id):
        return self._get(id, "leaderboard")


def _segment(value):
    return urllib.parse.quote(str(value), safe="")


def _text(value):
    if hasattr(value, "read"):
        value = value.read()
    return value.encode("utf-8") if isinstance(value, str) else value


def _archive_type(data):
    return "application/zip" if data[:4] == b"PK\x03\x04" else "application/x-tar"
