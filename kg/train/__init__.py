"""Training of the learned parts of the pipeline (run by scripts in ``scripts/``)."""
