"""toes stage."""
