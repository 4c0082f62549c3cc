"""What the query layer refuses: a request it cannot answer, named by parameter, not by HTTP.

The route layer (`app.errors`) turns it into a 422 problem; another caller (the command line, a
tool) may say it its own way.
"""


class InvalidQuery(ValueError):
    """Parameters the query layer cannot answer: each problem is (parameter, message, kind);
    the parameter is "" when they are at fault together (too many quotes for one workbook)."""

    def __init__(self, detail: str, problems: list[tuple[str, str, str]]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems

    @classmethod
    def of(cls, parameter: str, message: str, kind: str = "value_error") -> "InvalidQuery":
        """One parameter's problem, which is also the detail."""
        return cls(message, [(parameter, message, kind)])
