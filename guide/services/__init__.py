"""Domain services: what the views and the command-line scripts do with the model."""
