"""Deployment: the local launcher, the test servers it starts, the Dockerfile."""
