"""Route modules, one per resource. Handlers parse, call one query function and return."""
