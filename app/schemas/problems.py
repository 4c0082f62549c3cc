"""The body of every error response: an RFC 9457 problem, with the invalid parameters of a 422."""

from pydantic import BaseModel, Field


class ProblemError(BaseModel):
    """One invalid parameter."""

    loc: list[str | int] = Field(description='Where the parameter is, e.g. ["query", "limit"].')
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="Machine-readable kind of error.")


class Problem(BaseModel):
    """An RFC 9457 problem details object, the body of every error response."""

    type: str = Field(description="URI reference identifying the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="Explanation of this occurrence of the problem.")
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[ProblemError] | None = Field(
        default=None, description="For 422: each invalid parameter."
    )
