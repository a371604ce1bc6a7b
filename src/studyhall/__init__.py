"""studyhall: a self-hosted home for a learning community."""
