"""Content negotiation on Accept, in one place: the routes that vary on it and the response
cache (whose key is the negotiated format, not the raw header) ask the same function."""


def preferred_format(accept: str) -> str:
    """The format a route that negotiates on Accept serves: `text/csv` when CSV is listed
    before JSON, else JSON (no q-values: the first listed of the two wins)."""
    for part in accept.split(","):
        media_type = part.split(";")[0].strip().lower()
        if media_type == "text/csv":
            return "text/csv"
        if media_type in ("application/json", "application/*"):
            return "application/json"
    return "application/json"
