"""The error every failed call raises."""


class ApiError(Exception):
    """An answer other than 2xx, with the problem details' ``type`` and ``detail``.

    ``type`` is the stable problem type (``https://dkube.io/problems/not-found``), ``code`` its
    last segment (``not-found``), ``errors`` the per-field messages of a 400 ``validation``.
    A connection failure is status 0 with type ``unreachable``.
    """

    def __init__(self, status, type, detail, title=None, errors=None):
        self.status = status
        self.type = type
        self.detail = detail
        self.title = title
        self.errors = errors or {}
        super().__init__("%s %s: %s" % (status, type, detail))

    @property
    def code(self):
        return (self.type or "").rstrip("/").rsplit("/", 1)[-1]

    @classmethod
    def from_answer(cls, status, content_type, body):
        """The error of an answer: its problem details, or the body as the detail."""
        import json

        text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else (body or "")
        if content_type and "json" in content_type:
            try:
                problem = json.loads(text)
            except ValueError:
                problem = None
            if isinstance(problem, dict):
                return cls(status, problem.get("type"), problem.get("detail"), problem.get("title"), problem.get("errors"))
        return cls(status, "about:blank", text.strip() or None)
