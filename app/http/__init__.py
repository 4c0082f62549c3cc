"""The HTTP layer: every middleware of the service, and the one function that installs them
in their order (`app.http.stack.install_middleware`)."""
