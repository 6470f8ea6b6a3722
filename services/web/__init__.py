"""The web for the case's people: server-rendered pages, a client of the public HTTP API with the user's own token."""
