"""The client against a tiny local HTTP server that answers like DKube does (standard library only).

Run: python3 -m unittest discover -s clients/python/tests -t clients/python
"""

import io
import json
import os
import sys
import tarfile
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import dkube  # noqa: E402
from dkube import cli  # noqa: E402

TOKEN = "dkt_unit"
RUNS = [{"id": "r%d" % i, "name": "run-%d" % i, "status": "Complete"} for i in range(5)]


class FakeDKube(BaseHTTPRequestHandler):
    """Pages of two, a problem-details 404, bearer auth, a run that completes on the third look."""

    requests = []
    looks = 0

    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _problem(self, status, code, detail, errors=None):
        body = {"type": "https://dkube.io/problems/" + code, "title": "x", "status": status, "detail": detail}
        if errors:
            body["errors"] = errors
        self._send(status, body, "application/problem+json")

    def _record(self, body):
        FakeDKube.requests.append((self.command, self.path, dict(self.headers), body))

    def do_GET(self):
        self._record(None)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self._problem(401, "unauthorized", "no token")
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if p)
        if path == "/api/v1/runs":
            start = int(params.get("cursor", "0"))
            page = RUNS[start:start + 2]
            more = start + 2 < len(RUNS)
            return self._send(200, {"items": page, "nextCursor": str(start + 2) if more else None})
        if path == "/api/v1/runs/r1":
            FakeDKube.looks += 1
            return self._send(200, {"id": "r1", "status": "Complete" if FakeDKube.looks >= 3 else "Running"})
        if path == "/api/v1/deployments/dep1":
            return self._send(200, {"id": "dep1", "name": "web", "model": {"name": "iris", "version": 2}, "status": "Running", "replicas": {"desired": 1, "ready": 1}})
        if path == "/api/v1/deployments/bad":
            return self._send(200, {"id": "bad", "name": "bad", "status": "Error", "reason": "never became ready", "replicas": {"desired": 1, "ready": 0}})
        if path == "/api/v1/runs/r1/logs":
            return self._send(200, b"line 1\nline 2\n", "text/plain; charset=utf-8")
        return self._problem(404, "not-found", "Run 'nope' was not found.")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self._record(body)
        if self.path == "/api/v1/runs":
            fields = json.loads(body)
            if "\x00" in fields.get("command", ""):
                return self._problem(400, "validation", "'command' must not contain NUL", {"command": ["must not contain NUL"]})
            return self._send(201, dict(fields, id="r9", status="Queued"))
        if self.path == "/serve/dep1/v1/models/web:predict":
            return self._send(200, {"predictions": [len(json.loads(body)["instances"])]})
        if self.path == "/api/v1/datasets/d1/versions":
            return self._send(201, {"version": 1, "contentType": self.headers.get("Content-Type"), "size": len(body)})
        return self._problem(404, "not-found", "nothing here")


class FakeServerCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDKube)
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        FakeDKube.requests.clear()
        FakeDKube.looks = 0
        self.client = dkube.Client(self.url, TOKEN)


class ClientTests(FakeServerCase):
    def test_url_and_token_default_to_the_environment(self):
        with mock.patch.dict(os.environ, {"DKUBE_URL": self.url + "/api/v1/", "DKUBE_TOKEN": TOKEN}):
            client = dkube.Client()
        self.assertEqual(client.url, self.url)
        self.assertEqual(client.token, TOKEN)
        self.assertEqual(len(list(client.runs.list())), len(RUNS))

    def test_list_follows_next_cursor_through_every_page(self):
        self.assertEqual([r["id"] for r in self.client.runs.list()], [r["id"] for r in RUNS])
        self.assertEqual(len([r for r in FakeDKube.requests if r[1].startswith("/api/v1/runs?")]), 3)

    def test_create_sends_json_with_the_bearer_token(self):
        run = self.client.runs.create(name="a", kind="training", command="true", gpus=0, hyperparameters={"lr": 0.01})
        self.assertEqual(run["id"], "r9")
        method, path, headers, body = FakeDKube.requests[-1]
        self.assertEqual((method, path), ("POST", "/api/v1/runs"))
        self.assertEqual(headers["Authorization"], "Bearer " + TOKEN)
        self.assertEqual(json.loads(body)["hyperparameters"], {"lr": 0.01})

    def test_errors_raise_api_error_with_problem_type_and_detail(self):
        with self.assertRaises(dkube.ApiError) as caught:
            self.client.runs.get("nope")
        self.assertEqual(caught.exception.status, 404)
        self.assertEqual(caught.exception.type, "https://dkube.io/problems/not-found")
        self.assertEqual(caught.exception.code, "not-found")
        self.assertIn("nope", caught.exception.detail)
        with self.assertRaises(dkube.ApiError) as invalid:
            self.client.runs.create(name="a", command="a\x00b")
        self.assertEqual(invalid.exception.errors, {"command": ["must not contain NUL"]})

    def test_a_wrong_token_is_401(self):
        with self.assertRaises(dkube.ApiError) as caught:
            list(dkube.Client(self.url, "wrong").runs.list())
        self.assertEqual((caught.exception.status, caught.exception.code), (401, "unauthorized"))

    def test_an_unreachable_server_is_status_0(self):
        with self.assertRaises(dkube.ApiError) as caught:
            dkube.Client("http://127.0.0.1:9", TOKEN, timeout=5).me()
        self.assertEqual((caught.exception.status, caught.exception.type), (0, "unreachable"))

    def test_wait_returns_when_the_run_has_ended(self):
        self.assertEqual(self.client.runs.wait("r1", interval=0.01)["status"], "Complete")
        self.assertEqual(FakeDKube.looks, 3)

    def test_predict_posts_to_the_gateway_under_the_deployments_name(self):
        self.assertEqual(self.client.deployments.predict("dep1", [[1], [2]]), {"predictions": [2]})
        self.assertEqual(FakeDKube.requests[-1][1], "/serve/dep1/v1/models/web:predict")

    def test_waiting_for_a_deployment_in_error_raises_at_once(self):
        self.assertEqual(self.client.deployments.wait("dep1", timeout=1)["replicas"]["ready"], 1)
        with self.assertRaises(RuntimeError) as caught:
            self.client.deployments.wait("bad", timeout=30)
        self.assertIn("never became ready", str(caught.exception))

    def test_logs_as_text_or_followed_line_by_line(self):
        self.assertEqual(self.client.runs.logs("r1"), "line 1\nline 2\n")
        self.assertEqual(list(self.client.runs.logs("r1", follow=True)), ["line 1", "line 2"])
        self.assertIn("follow=true", FakeDKube.requests[-1][1])

    def test_upload_sends_a_folder_as_tar(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "train.csv"), "w") as file:
                file.write("x,y\n1,2\n")
            answer = self.client.datasets.upload("d1", folder)
        self.assertEqual(answer["contentType"], "application/x-tar")
        body = FakeDKube.requests[-1][3]
        with tarfile.open(fileobj=io.BytesIO(body)) as tar:
            self.assertEqual(tar.getnames(), ["train.csv"])


class LogMetricsTests(unittest.TestCase):
    def test_appends_one_json_line_per_call(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "metrics.jsonl")
            with mock.patch.dict(os.environ, {"DKUBE_METRICS_FILE": path}):
                dkube.log_metrics(step=1, accuracy=0.5, loss=1.25)
                dkube.log_metrics(accuracy=0.75)
            with open(path) as file:
                records = [json.loads(line) for line in file]
        self.assertEqual(records, [{"step": 1, "accuracy": 0.5, "loss": 1.25}, {"accuracy": 0.75}])

    def test_outside_a_run_it_says_so(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            with self.assertRaises(RuntimeError):
                dkube.log_metrics(accuracy=1.0)

    def test_nan_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            with mock.patch.dict(os.environ, {"DKUBE_METRICS_FILE": os.path.join(folder, "m")}):
                with self.assertRaises(ValueError):
                    dkube.log_metrics(loss=float("nan"))


class CommandLineTests(FakeServerCase):
    def _run(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(["--url", self.url, "--token", TOKEN, *argv], out, err)
        return code, out.getvalue(), err.getvalue()

    def test_list_prints_every_item_as_json(self):
        code, out, _ = self._run("runs", "list")
        self.assertEqual(code, 0)
        self.assertEqual(len(json.loads(out)), len(RUNS))

    def test_create_takes_json_typed_fields(self):
        code, out, _ = self._run("runs", "create", "name=a", "kind=training", "command=python train.py", "gpus=2", 'hyperparameters={"lr":0.01}')
        self.assertEqual(code, 0)
        sent = json.loads(FakeDKube.requests[-1][3])
        self.assertEqual(sent, {"name": "a", "kind": "training", "command": "python train.py", "gpus": 2, "hyperparameters": {"lr": 0.01}})
        self.assertEqual(json.loads(out)["id"], "r9")

    def test_an_error_prints_the_problem_on_stderr_and_exits_1(self):
        code, out, err = self._run("runs", "get", "nope")
        self.assertEqual((code, out), (1, ""))
        self.assertEqual(json.loads(err)["type"], "https://dkube.io/problems/not-found")


if __name__ == "__main__":
    unittest.main()
