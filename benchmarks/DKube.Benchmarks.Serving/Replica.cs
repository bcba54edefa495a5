namespace DKube.Benchmarks.Serving;

/// <summary>The replica every deployment of the benchmark runs: a keep-alive HTTP server that answers after an optional delay (seconds, argv[1]).</summary>
internal static class Replica
{
    public const string Python = """
        import http.server, os, sys, time
        delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                if delay and self.path != "/":
                    time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer((os.environ["DKUBE_BIND_ADDRESS"], int(os.environ["PORT"])), Handler).serve_forever()
        """;
}
