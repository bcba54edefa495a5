#!/usr/bin/python3
"""DKube's sklearn model server: loads model.joblib (or model.pkl) from DKUBE_MODEL_DIR and
answers KServe's V1 protocol (POST /v1/models/{name}:predict {"instances": [...]}) and the Open
Inference Protocol (POST /v2/models/{name}/infer). Only the standard library, scikit-learn and
joblib (Debian's python3-sklearn): run it with /usr/bin/python3.

Environment: PORT (required), DKUBE_MODEL_DIR (required), DKUBE_MODEL_NAME (default "model"),
DKUBE_SERVING_PREFIX (a path prefix the routes live under, default none).
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import joblib

MODEL_DIR = os.environ["DKUBE_MODEL_DIR"]
NAME = os.environ.get("DKUBE_MODEL_NAME", "model")
PREFIX = os.environ.get("DKUBE_SERVING_PREFIX", "").rstrip("/")


def load_model():
    for file in ("model.joblib", "model.pkl"):
        path = os.path.join(MODEL_DIR, file)
        if os.path.exists(path):
            return joblib.load(path)
    raise SystemExit(f"no model.joblib or model.pkl in {MODEL_DIR}: {sorted(os.listdir(MODEL_DIR))}")


MODEL = load_model()


def to_list(values):
    return values.tolist() if hasattr(values, "tolist") else list(values)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # one line per error only: the gateway counts requests
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def route(self):
        path = self.path.split("?", 1)[0]
        if PREFIX and path.startswith(PREFIX):
            path = path[len(PREFIX):]
        return path

    def do_GET(self):
        path = self.route()
        if path in ("/", "/v2/health/ready", "/v2/health/live", "/v1/models/" + NAME, "/v2/models/" + NAME + "/ready"):
            self.answer(200, {"name": NAME, "ready": True})
        elif path in ("/v1/models/" + NAME, "/v2/models/" + NAME):
            self.answer(200, {"name": NAME, "platform": "sklearn"})
        else:
            self.answer(404, {"error": f"no route {path}"})

    def do_POST(self):
        path = self.route()
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError as e:
            return self.answer(400, {"error": f"invalid JSON: {e}"})
        try:
            if path == f"/v1/models/{NAME}:predict":
                return self.answer(200, {"predictions": to_list(MODEL.predict(body["instances"]))})
            if path == f"/v2/models/{NAME}/infer":
                inputs = body["inputs"][0]
                rows = inputs["data"]
                shape = inputs.get("shape")
                if shape and len(shape) == 2 and rows and not isinstance(rows[0], list):
                    rows = [rows[i * shape[1]:(i + 1) * shape[1]] for i in range(shape[0])]
                predictions = to_list(MODEL.predict(rows))
                return self.answer(200, {
                    "model_name": NAME,
                    "id": body.get("id", self.headers.get("X-Request-Id", "")),
                    "outputs": [{"name": "predict", "shape": [len(predictions)], "datatype": "FP64" if predictions and isinstance(predictions[0], float) else "INT64", "data": predictions}],
                })
        except (KeyError, IndexError, TypeError, ValueError) as e:
            return self.answer(400, {"error": f"bad request: {e}"})
        self.answer(404, {"error": f"no route {path}"})


def main():
    server = ThreadingHTTPServer((os.environ.get("DKUBE_BIND_ADDRESS", "127.0.0.1"), int(os.environ["PORT"])), Handler)
    server.daemon_threads = True
    print(f"serving {NAME} from {MODEL_DIR} on port {os.environ['PORT']}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
