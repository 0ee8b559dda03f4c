"""kg: a knowledge-graph builder for ML research papers."""

__version__ = "0.1.0"
