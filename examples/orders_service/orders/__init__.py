"""Orders service: an example backend with real mistakes for backend-lint to find."""
