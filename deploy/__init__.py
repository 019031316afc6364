"""Deployment files: the nginx configuration in front of several dashboard processes, and its
renderer (``python -m deploy.render``)."""
